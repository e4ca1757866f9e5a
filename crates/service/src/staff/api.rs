//! `/api/v1/staff`: a structure's people and the invitations to its seats, for its managers
//! and the administrators; `/api/v1/staff/invitations/acceptance`, public, for the person
//! invited.

use model::Role;
use model::staff::{
    Acceptance, InvitationStatus, NewStaffInvitation, StaffInvitation, StaffMember,
};

use super::{Lookup, managing_role};
use crate::api::*;

/// Which structure's people.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffScope {
    /// SIRET of the structure; may be left out by a user who manages one structure only.
    pub structure: Option<String>,
}

/// A seat of the structure and its holder.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffMemberView {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    /// recruiter, agency_manager...
    pub role: String,
    /// active, suspended (this seat) or disabled (the whole account, by an administrator).
    pub status: String,
    pub suspended_at: Option<DateTime<Utc>>,
    pub joined_at: DateTime<Utc>,
    /// When the holder last signed in (never: null).
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Whether the user asking may suspend or remove this seat (not their own; a role their
    /// seat manages).
    pub manageable: bool,
}

/// An invitation neither accepted nor revoked.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffInvitationView {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    /// pending or expired (accepted and revoked ones are not listed).
    pub status: String,
    pub invited_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A structure's people.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    pub structure_id: i64,
    pub siret: String,
    pub name: String,
    /// The roles the user asking may give in this structure: those their seat manages
    /// that fit the structure's kind.
    pub grantable_roles: Vec<String>,
    pub members: Vec<StaffMemberView>,
    pub invitations: Vec<StaffInvitationView>,
}

/// An invitation to a seat.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StaffInvitationRequest {
    pub email: String,
    pub display_name: String,
    /// A role the inviting seat manages (`Role::may_grant`) that fits the structure.
    pub role: String,
}

/// A seat's status to set.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SeatStatusRequest {
    /// active or suspended.
    pub status: String,
}

/// Accepting an invitation. Its `Debug` hides the token and the password.
#[derive(Deserialize, ToSchema)]
pub struct InvitationAcceptance {
    /// The token of the invitation's link.
    pub token: String,
    /// At least 12 characters; required when the address has no account yet (an existing
    /// account keeps its password and signs in as usual).
    pub password: Option<String>,
}

impl std::fmt::Debug for InvitationAcceptance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitationAcceptance")
            .field("token", &"<hidden>")
            .field("password", &"<hidden>")
            .finish()
    }
}

/// What accepting did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedInvitationView {
    pub user_id: i64,
    pub structure_id: i64,
    pub role: String,
    /// Whether the account was created now (then signed in: the session cookie is set and
    /// `csrf_token` given); an existing account signs in with its own password.
    pub created_account: bool,
    pub csrf_token: Option<String>,
}

fn member_view(principal: &Principal, managing: Role, m: StaffMember) -> StaffMemberView {
    let status = if m.user_status != model::UserStatus::Active {
        "disabled"
    } else if m.suspended_at.is_some() {
        "suspended"
    } else {
        "active"
    };
    StaffMemberView {
        manageable: m.user_id != principal.user.id && managing.may_grant().contains(&m.role),
        user_id: m.user_id,
        email: m.email.as_str().to_string(),
        display_name: m.display_name,
        role: m.role.as_str().to_string(),
        status: status.to_string(),
        suspended_at: m.suspended_at,
        joined_at: m.joined_at,
        last_sign_in_at: m.last_sign_in_at,
    }
}

fn invitation_view(invitation: StaffInvitation, now: DateTime<Utc>) -> StaffInvitationView {
    StaffInvitationView {
        status: invitation.status(now).as_str().to_string(),
        id: invitation.id,
        email: invitation.email.as_str().to_string(),
        display_name: invitation.display_name,
        role: invitation.role.as_str().to_string(),
        invited_by: invitation.invited_by,
        created_at: invitation.created_at,
        expires_at: invitation.expires_at,
    }
}

/// The structure asked (or the user's only one) and the role through which the user manages
/// it: 403 unless their grant reaches it.
async fn managed_structure(
    state: &AppState,
    principal: &Principal,
    verb: Verb,
    asked: Option<&str>,
) -> AppResult<(i64, Role)> {
    let (structure, _) = listing(state, principal, Resource::Staff, verb, asked).await?;
    let grant = principal
        .grant(Resource::Staff, verb, Some(structure))
        .map_err(forbidden)?;
    Ok((structure, grant.seat.role))
}

/// A structure's people: each seat with its holder's status and last sign-in, and the
/// invitations neither accepted nor revoked.
#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", params(StaffScope),
    responses((status = 200, body = StaffView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn list_staff(
    State(state): St,
    principal: Principal,
    QueryParams(scope): QueryParams<StaffScope>,
) -> AppResult<Json<StaffView>> {
    let (structure, managing) =
        managed_structure(&state, &principal, Verb::Read, scope.structure.as_deref()).await?;
    let now = state.now();
    let record = state
        .store
        .structure(structure)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("structure {structure}")))?;
    let members = state.store.staff_members(structure).await?;
    let invitations = state.store.pending_staff_invitations(structure).await?;
    Ok(Json(StaffView {
        structure_id: structure,
        siret: record.record.siret.as_str().to_string(),
        name: record.record.name,
        grantable_roles: managing
            .may_grant()
            .iter()
            .filter(|r| r.fits(record.record.kind))
            .map(|r| r.as_str().to_string())
            .collect(),
        members: members
            .into_iter()
            .map(|m| member_view(&principal, managing, m))
            .collect(),
        invitations: invitations
            .into_iter()
            .map(|i| invitation_view(i, now))
            .collect(),
    }))
}

/// Invites a person to a seat of the structure: an e-mail through the outbox carries a link,
/// valid seven days and once, where they set their password. A new invitation to the same
/// address replaces the one pending. The role must be one the inviting seat manages (403)
/// and fit the structure's kind (422).
#[utoipa::path(post, path = "/api/v1/staff/invitations", tag = "staff", params(StaffScope),
    request_body = StaffInvitationRequest,
    responses((status = 201, body = StaffInvitationView), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn invite(
    State(state): St,
    principal: Principal,
    QueryParams(scope): QueryParams<StaffScope>,
    JsonBody(request): JsonBody<StaffInvitationRequest>,
) -> AppResult<(StatusCode, Json<StaffInvitationView>)> {
    let (structure, _) =
        managed_structure(&state, &principal, Verb::Write, scope.structure.as_deref()).await?;
    let mut problems = Vec::new();
    let email = match domain::Email::parse(request.email.trim()) {
        Ok(email) => Some(email),
        Err(err) => {
            problems.push(FieldProblem::new("/email", err.to_string()));
            None
        }
    };
    let name = request.display_name.trim();
    if name.is_empty() {
        problems.push(FieldProblem::new("/display_name", "empty"));
    }
    problems.extend(line_field(
        "/display_name",
        Some(name),
        model::text::NAME_CHARS,
    ));
    let role = Role::parse(request.role.trim());
    match role {
        None => problems.push(FieldProblem::new(
            "/role",
            format!(
                "unknown role, expected one of {}",
                super::roles_text(Role::ALL)
            ),
        )),
        Some(role) => {
            // A role the seat does not manage is refused whatever the rest (403).
            managing_role(&principal, structure, Some(role))?;
            let kind = state
                .store
                .structure(structure)
                .await?
                .map(|s| s.record.kind);
            if let Some(kind) = kind.filter(|k| !role.fits(*k)) {
                problems.push(FieldProblem::new(
                    "/role",
                    format!(
                        "a seat of role {role} cannot be in a structure of kind {kind}: \
                         expected a structure of kind {}",
                        crate::admin::api::kinds_of(role)
                    ),
                ));
            }
        }
    }
    let (Some(email), Some(role), true) = (email, role, problems.is_empty()) else {
        return Err(ApiError::Invalid(problems));
    };
    if let Some(user) = state.store.user_by_email(&email).await?
        && state
            .store
            .staff_member(structure, user.id)
            .await?
            .is_some()
    {
        return Err(ApiError::Conflict(
            "this person already holds a seat in this structure".to_string(),
        ));
    }
    let now = state.now();
    // Paced: a structure's invitations per hour, one address's per day.
    let sent = state
        .store
        .count_staff_invitations(structure, None, now - Duration::hours(1))
        .await?;
    let to_address = state
        .store
        .count_staff_invitations(structure, Some(&email), now - Duration::days(1))
        .await?;
    if sent >= model::staff::INVITATIONS_PER_HOUR {
        return Err(ApiError::TooManyAttempts {
            retry_after_secs: 3_600,
        });
    }
    if to_address >= model::staff::INVITATIONS_PER_ADDRESS_PER_DAY {
        return Err(ApiError::TooManyAttempts {
            retry_after_secs: 86_400,
        });
    }
    // The invitation pending for this address is replaced: only by someone who may manage
    // its role (a manager does not cancel an administrator's invitation), and audited.
    let replaced: Vec<StaffInvitation> = state
        .store
        .pending_staff_invitations(structure)
        .await?
        .into_iter()
        .filter(|i| i.email.as_str().eq_ignore_ascii_case(email.as_str()))
        .collect();
    for pending in &replaced {
        managing_role(&principal, structure, Some(pending.role))?;
    }
    let token = auth::new_secret()?;
    let invitation = state
        .store
        .invite_staff(
            &NewStaffInvitation {
                structure_id: structure,
                role,
                email,
                display_name: name.to_string(),
                token_hash: TokenHash::of_token(&token),
                invited_by: Some(principal.user.id),
                expires_at: model::staff::invitation_expiry(now),
            },
            now,
        )
        .await?;
    super::send_invitation(&state, &invitation, &token, &principal.user.display_name).await?;
    let detail = json!({
        "structure": structure,
        "role": role.as_str(),
        "expires_at": invitation.expires_at,
    });
    let mut events =
        vec![principal.event("staff.invite", "staff_invitation", invitation.id, detail)];
    events.extend(replaced.iter().map(|pending| {
        principal.event(
            "staff.invitation_revoke",
            "staff_invitation",
            pending.id,
            json!({ "structure": structure, "replaced_by": invitation.id }),
        )
    }));
    crate::api::audit(&state, events).await?;
    Ok((StatusCode::CREATED, Json(invitation_view(invitation, now))))
}

/// Revokes an invitation not yet accepted: its link no longer opens anything.
#[utoipa::path(delete, path = "/api/v1/staff/invitations/{id}", tag = "staff",
    params(("id" = i64, Path, description = "The invitation")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
pub(crate) async fn revoke_invitation(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    principal
        .grant(Resource::Staff, Verb::Write, None)
        .map_err(forbidden)?;
    let invitation = state
        .store
        .staff_invitation(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("invitation {id}")))?;
    // Another structure's invitation is not told apart from one that does not exist.
    if principal
        .grant(Resource::Staff, Verb::Write, Some(invitation.structure_id))
        .is_err()
    {
        return Err(ApiError::NotFound(format!("invitation {id}")));
    }
    managing_role(&principal, invitation.structure_id, Some(invitation.role))?;
    if !state.store.revoke_staff_invitation(id, state.now()).await? {
        return Err(ApiError::Conflict(
            "this invitation was already accepted or revoked".to_string(),
        ));
    }
    let detail = json!({ "structure": invitation.structure_id, "role": invitation.role.as_str() });
    state
        .audit_one(principal.event("staff.invitation_revoke", "staff_invitation", id, detail))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The seat of `user` in the structure: 404 when there is none.
async fn seat_of(state: &AppState, structure: i64, user: i64) -> AppResult<StaffMember> {
    state
        .store
        .staff_member(structure, user)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no seat of user {user} in this structure")))
}

/// The seat of `user` in the structure, which the user asking may manage: 404 when there is
/// none, 403 for their own seat or a role theirs does not manage.
async fn manageable_seat(
    state: &AppState,
    principal: &Principal,
    scope: &StaffScope,
    user: i64,
) -> AppResult<(i64, StaffMember)> {
    let (structure, _) =
        managed_structure(state, principal, Verb::Write, scope.structure.as_deref()).await?;
    let member = seat_of(state, structure, user).await?;
    if user == principal.user.id {
        return Err(ApiError::Forbidden(
            "you may not suspend nor remove your own seat".to_string(),
        ));
    }
    managing_role(principal, structure, Some(member.role))?;
    Ok((structure, member))
}

/// Suspends a seat (its holder keeps their account, loses every right in the structure at
/// once, and their sessions end when no other seat is left) or reactivates it.
#[utoipa::path(put, path = "/api/v1/staff/members/{id}/status", tag = "staff",
    params(("id" = i64, Path, description = "The user holding the seat"), StaffScope),
    request_body = SeatStatusRequest,
    responses((status = 200, body = StaffMemberView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn set_seat_status(
    State(state): St,
    principal: Principal,
    Path(user): Path<i64>,
    QueryParams(scope): QueryParams<StaffScope>,
    JsonBody(request): JsonBody<SeatStatusRequest>,
) -> AppResult<Json<StaffMemberView>> {
    let (structure, member) = manageable_seat(&state, &principal, &scope, user).await?;
    let suspended = match request.status.trim() {
        "suspended" => true,
        "active" => false,
        _ => return Err(ApiError::field("/status", "expected active or suspended")),
    };
    let changed = state
        .store
        .suspend_seat(structure, user, suspended, state.now())
        .await?;
    let action = if suspended {
        "staff.suspend"
    } else {
        "staff.reactivate"
    };
    let detail = json!({
        "structure": structure, "role": member.role.as_str(), "changed": changed
    });
    state
        .audit_one(principal.event(action, "user", user, detail))
        .await?;
    let member = seat_of(&state, structure, user).await?;
    let managing = managing_role(&principal, structure, None)?;
    Ok(Json(member_view(&principal, managing, member)))
}

/// Removes a seat: the account and its history stay, its rights in the structure end at
/// once (and its sessions when no other seat is left).
#[utoipa::path(delete, path = "/api/v1/staff/members/{id}", tag = "staff",
    params(("id" = i64, Path, description = "The user holding the seat"), StaffScope),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn remove_member(
    State(state): St,
    principal: Principal,
    Path(user): Path<i64>,
    QueryParams(scope): QueryParams<StaffScope>,
) -> AppResult<StatusCode> {
    let (structure, member) = manageable_seat(&state, &principal, &scope, user).await?;
    if !state.store.remove_seat(structure, user).await? {
        return Err(ApiError::NotFound(format!(
            "no seat of user {user} in this structure"
        )));
    }
    let detail = json!({ "structure": structure, "role": member.role.as_str() });
    state
        .audit_one(principal.event("staff.remove", "user", user, detail))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Why an invitation cannot be accepted, for the API (a 410 `Problem`, code `gone`).
fn gone(status: InvitationStatus) -> Response {
    let message = match status {
        InvitationStatus::Accepted => "this invitation was already accepted",
        InvitationStatus::Revoked => "this invitation was revoked",
        InvitationStatus::Expired | InvitationStatus::Pending => "this invitation has expired",
    };
    (
        StatusCode::GONE,
        Json(Problem {
            code: "gone",
            message: message.to_string(),
            fields: vec![],
        }),
    )
        .into_response()
}

/// Accepts an invitation: an address without an account gets one with this password, and is
/// signed in (the session cookie is set); an existing account gets the seat and signs in
/// with its own password. An unknown token is a 404; an accepted, revoked or expired one a
/// 410.
#[utoipa::path(post, path = "/api/v1/staff/invitations/acceptance", tag = "staff",
    request_body = InvitationAcceptance, security(),
    responses((status = 200, body = AcceptedInvitationView), (status = 404, body = Problem),
              (status = 410, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn accept_invitation(
    State(state): St,
    headers: HeaderMap,
    JsonBody(request): JsonBody<InvitationAcceptance>,
) -> AppResult<Response> {
    let has_account = match super::lookup(&state, &request.token).await? {
        Lookup::Unknown => return Err(ApiError::NotFound("no such invitation".to_string())),
        Lookup::Gone(status) => return Ok(gone(status)),
        Lookup::Pending { has_account, .. } => has_account,
    };
    let password_hash = if has_account {
        None
    } else {
        let password = request.password.unwrap_or_default();
        if let Some(problem) = auth::password_problem(&password) {
            return Err(ApiError::field("/password", problem));
        }
        let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
            .await
            .map_err(|err| ApiError::Internal(format!("hashing: {err}")))??;
        Some(hash)
    };
    let now = state.now();
    let accepted = state
        .store
        .accept_staff_invitation(
            &TokenHash::of_token(request.token.trim()),
            password_hash.as_deref(),
            now,
        )
        .await?;
    let (invitation, user_id, created) = match accepted {
        Acceptance::Accepted {
            invitation,
            user_id,
            created,
        } => (invitation, user_id, created),
        Acceptance::Refused(status) => return Ok(gone(status)),
        Acceptance::Unknown => return Err(ApiError::NotFound("no such invitation".to_string())),
    };
    let mut events = vec![NewAuditEvent {
        actor: Some(user_id),
        action: "staff.invitation_accept".to_string(),
        subject_kind: "staff_invitation".to_string(),
        subject_id: Some(invitation.id),
        detail: json!({
            "structure": invitation.structure_id,
            "role": invitation.role.as_str(),
            "user": user_id,
            "created_account": created,
        }),
    }];
    let mut cookie = None;
    if created {
        let (set_cookie, csrf) = super::open_session(&state, user_id, &headers).await?;
        cookie = Some((set_cookie, csrf));
        events.push(NewAuditEvent {
            actor: Some(user_id),
            action: "session.open".to_string(),
            subject_kind: "user".to_string(),
            subject_id: Some(user_id),
            detail: json!({ "by": "invitation" }),
        });
    }
    audit(&state, events).await?;
    let mut response = Json(AcceptedInvitationView {
        user_id,
        structure_id: invitation.structure_id,
        role: invitation.role.as_str().to_string(),
        created_account: created,
        csrf_token: cookie.as_ref().map(|(_, csrf)| csrf.clone()),
    })
    .into_response();
    if let Some(value) = cookie.and_then(|(c, _)| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The routes of a structure's people, merged into the API's router.
pub(crate) fn routes() -> utoipa_axum::router::OpenApiRouter<std::sync::Arc<crate::AppState>> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_staff))
        .routes(routes!(invite))
        .routes(routes!(revoke_invitation))
        .routes(routes!(accept_invitation))
        .routes(routes!(set_seat_status))
        .routes(routes!(remove_member))
}
