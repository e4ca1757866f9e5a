//! Joint information meetings of both networks: a structure organises one for a territory,
//! every structure of the territory is invited, their members register, and the organiser
//! records who attended.

use crate::api::*;

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub theme: String,
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub online_link: Option<String>,
    /// Department code.
    pub territory: String,
    pub organiser: i64,
    pub organiser_name: String,
    pub invited: Vec<i64>,
    pub registered: usize,
    /// The user asking is registered.
    pub registered_me: bool,
    /// The user asking belongs to the organising structure.
    pub organising: bool,
    /// The user asking may register (their structure is invited or organises it).
    pub may_register: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMeetingRequest {
    pub theme: String,
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub online_link: Option<String>,
    /// Department code: the structures whose commune is in it are invited.
    pub territory: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AttendanceRequest {
    pub user_id: i64,
    pub attended: bool,
}

/// The structures of the user's seats.
fn my_structures(principal: &Principal) -> Vec<i64> {
    principal.seats.iter().map(|s| s.structure_id).collect()
}

pub(crate) async fn meeting_view(
    state: &AppState,
    principal: &Principal,
    meeting: &model::Meeting,
) -> AppResult<MeetingView> {
    let registrations = state.store.registrations(meeting.id).await?;
    let mine = my_structures(principal);
    let organiser_name = state
        .store
        .structure(meeting.meeting.organiser)
        .await?
        .map(|s| s.record.name)
        .unwrap_or_default();
    Ok(MeetingView {
        id: meeting.id,
        theme: meeting.meeting.theme.clone(),
        starts_at: meeting.meeting.starts_at,
        place: meeting.meeting.place.clone(),
        online_link: meeting.meeting.online_link.clone(),
        territory: meeting.meeting.territory.clone(),
        organiser: meeting.meeting.organiser,
        organiser_name,
        invited: meeting.invited.clone(),
        registered: registrations.len(),
        registered_me: registrations.iter().any(|r| r.user_id == principal.user.id),
        organising: mine.contains(&meeting.meeting.organiser),
        may_register: mine
            .iter()
            .any(|s| meeting.invited.contains(s) || *s == meeting.meeting.organiser),
    })
}

/// Upcoming meetings: those the user's structures organise or are invited to (every meeting
/// for roles that see all).
#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings",
    responses((status = 200, body = Vec<MeetingView>), (status = 403, body = Problem)))]
pub(crate) async fn list_meetings(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<Vec<MeetingView>>> {
    principal
        .grant(Resource::Meetings, Verb::Read, None)
        .map_err(forbidden)?;
    // `Any` sees every meeting; `Own`, those its structures organise or are invited to.
    let all = principal
        .grants(Resource::Meetings, Verb::Read)
        .iter()
        .any(|g| g.rule.reach == Reach::Any);
    let mine = my_structures(&principal);
    let since = state.now() - Duration::days(1);
    let mut out = Vec::new();
    for meeting in state.store.meetings_from(since).await? {
        let concerned = mine
            .iter()
            .any(|s| meeting.invited.contains(s) || *s == meeting.meeting.organiser);
        if concerned || all {
            out.push(meeting_view(&state, &principal, &meeting).await?);
        }
    }
    Ok(Json(out))
}

/// Organises a meeting for a territory: every active structure whose commune is in the
/// department is invited.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", request_body = NewMeetingRequest,
    responses((status = 201, body = MeetingView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn create_meeting(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<NewMeetingRequest>,
) -> AppResult<(StatusCode, Json<MeetingView>)> {
    let (organiser, _) = listing(&state, &principal, Resource::Meetings, Verb::Write, None).await?;
    let mut problems = Vec::new();
    let theme = request.theme.trim().to_string();
    if !(3..=200).contains(&theme.chars().count()) {
        problems.push(FieldProblem {
            path: "/theme".to_string(),
            message: "between 3 and 200 characters".to_string(),
        });
    }
    if request.starts_at <= state.now() {
        problems.push(FieldProblem {
            path: "/starts_at".to_string(),
            message: "a meeting is organised in the future".to_string(),
        });
    }
    let place = request
        .place
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    let online_link = request
        .online_link
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    if place.is_none() && online_link.is_none() {
        problems.push(FieldProblem {
            path: "/place".to_string(),
            message: "give a place, an online link, or both".to_string(),
        });
    }
    if online_link
        .as_deref()
        .is_some_and(|l| !l.starts_with("https://"))
    {
        problems.push(FieldProblem {
            path: "/online_link".to_string(),
            message: "an https:// link".to_string(),
        });
    }
    problems.extend(
        [
            line_field("/theme", Some(&theme), model::text::LINE_CHARS),
            line_field("/place", place.as_deref(), model::text::PLACE_CHARS),
            line_field(
                "/online_link",
                online_link.as_deref(),
                model::text::URL_CHARS,
            ),
            date_field("/starts_at", Some(request.starts_at.date_naive())),
        ]
        .into_iter()
        .flatten(),
    );
    let territory = request.territory.trim().to_ascii_uppercase();
    if territory.len() > 3 || refdata::geo().department(&territory).is_none() {
        problems.push(FieldProblem {
            path: "/territory".to_string(),
            message: format!(
                "no department has the code {:?}",
                territory.chars().take(10).collect::<String>()
            ),
        });
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    let invited: Vec<i64> = state
        .store
        .structures()
        .await?
        .into_iter()
        .filter(|s| s.record.status == model::StructureStatus::Active)
        .filter(|s| {
            refdata::geo()
                .commune(s.record.commune.as_str())
                .is_some_and(|c| c.department == territory)
        })
        .map(|s| s.id)
        .collect();
    let meeting = state
        .store
        .create_meeting(
            &model::NewMeeting {
                organiser,
                theme,
                starts_at: request.starts_at,
                place,
                online_link,
                territory,
                created_by: Some(principal.user.id),
            },
            &invited,
            state.now(),
        )
        .await?;
    let detail = json!({ "invited": meeting.invited.len() });
    state
        .audit_one(principal.event("meeting.create", "meeting", meeting.id, detail))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(meeting_view(&state, &principal, &meeting).await?),
    ))
}

async fn find(state: &AppState, id: i64) -> AppResult<model::Meeting> {
    state
        .store
        .meeting(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("meeting {id}")))
}

/// Registers the user asking, for their structure that is invited (or organises it).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/registrations", tag = "meetings",
    params(("id" = i64, Path, description = "meeting id")),
    responses((status = 201, body = MeetingView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn register(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<(StatusCode, Json<MeetingView>)> {
    let meeting = find(&state, id).await?;
    let structure = principal
        .seats
        .iter()
        .map(|s| s.structure_id)
        .find(|s| meeting.invited.contains(s) || *s == meeting.meeting.organiser)
        .ok_or_else(|| forbidden("your structure is not invited to this meeting".to_string()))?;
    principal
        .grant(Resource::Meetings, Verb::Write, Some(structure))
        .map_err(forbidden)?;
    state
        .store
        .register_for_meeting(id, principal.user.id, structure, state.now())
        .await?;
    let detail = json!({ "structure": structure });
    state
        .audit_one(principal.event("meeting.register", "meeting", id, detail))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(meeting_view(&state, &principal, &meeting).await?),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    pub user_id: i64,
    pub display_name: String,
    pub structure_id: i64,
    pub structure_name: String,
    pub registered_at: DateTime<Utc>,
    pub attended: Option<bool>,
}

/// Who registered, for the organiser.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/registrations", tag = "meetings",
    params(("id" = i64, Path, description = "meeting id")),
    responses((status = 200, body = Vec<RegistrationView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn list_registrations(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<RegistrationView>>> {
    let meeting = find(&state, id).await?;
    principal
        .grant(
            Resource::Meetings,
            Verb::Write,
            Some(meeting.meeting.organiser),
        )
        .map_err(forbidden)?;
    let mut out = Vec::new();
    for r in state.store.registrations(id).await? {
        let user = state.store.user(r.user_id).await?;
        let structure = state.store.structure(r.structure_id).await?;
        out.push(RegistrationView {
            user_id: r.user_id,
            display_name: user.map(|u| u.display_name).unwrap_or_default(),
            structure_id: r.structure_id,
            structure_name: structure.map(|s| s.record.name).unwrap_or_default(),
            registered_at: r.registered_at,
            attended: r.attended,
        });
    }
    Ok(Json(out))
}

/// Records whether a registered person attended (the organiser).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendance", tag = "meetings",
    params(("id" = i64, Path, description = "meeting id")), request_body = AttendanceRequest,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn record_attendance(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<AttendanceRequest>,
) -> AppResult<StatusCode> {
    let meeting = find(&state, id).await?;
    principal
        .grant(
            Resource::Meetings,
            Verb::Write,
            Some(meeting.meeting.organiser),
        )
        .map_err(forbidden)?;
    state
        .store
        .set_attendance(id, request.user_id, request.attended)
        .await?;
    let detail = json!({ "user": request.user_id, "attended": request.attended });
    state
        .audit_one(principal.event("meeting.attendance", "meeting", id, detail))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
