//! Joint information meetings of both networks: a structure organises one for a territory,
//! every structure of the territory is invited, their members register, and the organiser
//! records who attended.

use crate::api::*;
use model::{Attendance, Modality, Participant, Seat};

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub theme: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub territory: String,
    pub organiser: i64,
    pub organiser_name: String,
    pub invited: Vec<i64>,
    /// Seats in the place and through the link (0: not held so).
    pub capacity_on_site: u32,
    pub capacity_remote: u32,
    /// Seats taken, in each modality.
    pub seated_on_site: u32,
    pub seated_remote: u32,
    /// People on the waiting list.
    pub waiting: u32,
    /// Seats taken, both modalities.
    pub registered: usize,
    /// Seated or waiting.
    pub registered_me: bool,
    /// The user's own registration, seated or waiting.
    pub my_registration: Option<MyRegistration>,
    /// A member of the organising structure who may manage it.
    pub organising: bool,
    /// Invited, allowed to register, and not started.
    pub may_register: bool,
    /// Started: nobody registers or gives up a seat any more.
    pub started: bool,
    /// Over: its attendance may be recorded.
    pub over: bool,
    pub attendance_closed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyRegistration {
    pub id: i64,
    #[schema(value_type = String)]
    pub modality: Modality,
    #[schema(value_type = String)]
    pub seat: Seat,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMeetingRequest {
    pub theme: String,
    pub starts_at: DateTime<Utc>,
    /// Default: two hours after the start.
    pub ends_at: Option<DateTime<Utc>>,
    pub place: Option<String>,
    pub online_link: Option<String>,
    /// Seats in the place (default 50 with a place; none without).
    pub capacity_on_site: Option<u32>,
    /// Seats through the link (default 100 with a link; none without).
    pub capacity_remote: Option<u32>,
    pub territory: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AttendanceRequest {
    pub user_id: i64,
    #[schema(value_type = String)]
    pub attendance: Attendance,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterParams {
    /// `on_site` or `remote` (default: on site when the meeting is held in a place).
    pub modality: Option<String>,
}

/// Whether the user may manage the meeting: a member of the organising structure whose role
/// writes joint meetings.
fn as_organiser(principal: &Principal, meeting: &model::Meeting) -> AppResult<()> {
    principal
        .grant(
            Resource::Meetings,
            Verb::Write,
            Some(meeting.meeting.organiser),
        )
        .map(|_| ())
        .map_err(forbidden)
}

fn my_structures(principal: &Principal) -> Vec<i64> {
    principal.seats.iter().map(|s| s.structure_id).collect()
}

pub(crate) async fn meeting_view(
    state: &AppState,
    principal: &Principal,
    meeting: &model::Meeting,
) -> AppResult<MeetingView> {
    let registrations = state
        .store
        .gathering_registrations(meeting.gathering_id)
        .await?;
    let gathering = state.store.gathering(meeting.gathering_id).await?;
    let mine = my_structures(principal);
    let organiser_name = structure_name(state, meeting.meeting.organiser).await?;
    let count = |seat: Seat, modality: Option<Modality>| {
        registrations
            .iter()
            .filter(|r| r.seat == seat && modality.is_none_or(|m| r.modality == m))
            .count()
    };
    let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let me = Participant::User(principal.user.id);
    let my_registration = registrations
        .iter()
        .find(|r| r.participant == me && r.seat != Seat::Cancelled)
        .map(|r| MyRegistration {
            id: r.id,
            modality: r.modality,
            seat: r.seat,
        });
    Ok(MeetingView {
        id: meeting.id,
        theme: meeting.meeting.theme.clone(),
        starts_at: meeting.meeting.starts_at,
        ends_at: meeting.meeting.ends_at,
        place: meeting.meeting.place.clone(),
        online_link: meeting.meeting.online_link.clone(),
        territory: meeting.meeting.territory.clone(),
        organiser: meeting.meeting.organiser,
        organiser_name,
        invited: meeting.invited.clone(),
        capacity_on_site: meeting.meeting.capacity_on_site,
        capacity_remote: meeting.meeting.capacity_remote,
        seated_on_site: as_u32(count(Seat::Registered, Some(Modality::OnSite))),
        seated_remote: as_u32(count(Seat::Registered, Some(Modality::Remote))),
        waiting: as_u32(count(Seat::Waiting, None)),
        registered: count(Seat::Registered, None),
        registered_me: my_registration.is_some(),
        my_registration,
        organising: mine.contains(&meeting.meeting.organiser)
            && as_organiser(principal, meeting).is_ok(),
        may_register: meeting.meeting.starts_at > state.now()
            && mine.iter().any(|s| {
                (meeting.invited.contains(s) || *s == meeting.meeting.organiser)
                    && principal
                        .grant(Resource::Meetings, Verb::Write, Some(*s))
                        .is_ok()
            }),
        started: meeting.meeting.starts_at <= state.now(),
        over: meeting.meeting.ends_at <= state.now(),
        attendance_closed: gathering.is_some_and(|g| g.attendance_closed_at.is_some()),
    })
}

/// The user's structures and the meetings since `days` ago, once the role's right to read
/// meetings is granted: what a listing of meetings chooses from.
async fn meetings_to_read(
    state: &AppState,
    principal: &Principal,
    days: i64,
) -> AppResult<(Vec<i64>, Vec<model::Meeting>)> {
    principal
        .grant(Resource::Meetings, Verb::Read, None)
        .map_err(forbidden)?;
    let since = state.now() - Duration::days(days);
    Ok((
        my_structures(principal),
        state.store.meetings_from(since).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings",
    responses((status = 200, body = Vec<MeetingView>), (status = 403, body = Problem)))]
pub(crate) async fn list_meetings(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<Vec<MeetingView>>> {
    let (mine, meetings) = meetings_to_read(&state, &principal, 1).await?;
    // `Any` sees every meeting; `Own`, those its structures organise or are invited to.
    let all = principal
        .grants(Resource::Meetings, Verb::Read)
        .iter()
        .any(|g| g.rule.reach == Reach::Any);
    let mut out = Vec::new();
    for meeting in meetings {
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
    let place = request
        .place
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    problems.extend(
        [
            line_field("/theme", Some(&theme), model::text::LINE_CHARS),
            line_field("/place", place.as_deref(), model::text::PLACE_CHARS),
        ]
        .into_iter()
        .flatten(),
    );
    let checked = gathering::check(
        gathering::Requested {
            what: "a meeting",
            starts_at: request.starts_at,
            ends_at: request.ends_at,
            on_site: place.is_some(),
            online_link: request.online_link,
            capacity_on_site: request.capacity_on_site,
            capacity_remote: request.capacity_remote,
            default_seats: (50, 100),
        },
        state.now(),
        &mut problems,
    );
    let territory = request.territory.trim().to_ascii_uppercase();
    match refdata::geo().department(&territory) {
        Some(department) if territory.len() <= 3 && department.region == state.config.region => {}
        Some(_) if territory.len() <= 3 => problems.push(FieldProblem {
            path: "/territory".to_string(),
            message: format!("{territory}: not a department of the region served"),
        }),
        _ => problems.push(FieldProblem {
            path: "/territory".to_string(),
            message: format!(
                "no department has the code {:?}",
                territory.chars().take(10).collect::<String>()
            ),
        }),
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
                starts_at: checked.gathering.starts_at,
                ends_at: checked.gathering.ends_at,
                place,
                online_link: checked.online_link,
                capacity_on_site: checked.gathering.capacity_on_site,
                capacity_remote: checked.gathering.capacity_remote,
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
    params(("id" = i64, Path, description = "meeting id"), RegisterParams),
    responses((status = 201, body = MeetingView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn register(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    QueryParams(params): QueryParams<RegisterParams>,
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
    let held_on_site = meeting.meeting.capacity_on_site > 0;
    let modality = match params.modality.as_deref().map(str::trim) {
        None | Some("") if held_on_site => Modality::OnSite,
        None | Some("") => Modality::Remote,
        Some(text) => Modality::parse(text)
            .ok_or_else(|| ApiError::field("?modality", "on_site or remote"))?,
    };
    let capacity = match modality {
        Modality::OnSite => meeting.meeting.capacity_on_site,
        Modality::Remote => meeting.meeting.capacity_remote,
    };
    if capacity == 0 {
        return Err(ApiError::field(
            "?modality",
            match modality {
                Modality::OnSite => "this meeting is not held in a place",
                Modality::Remote => "this meeting is not held online",
            },
        ));
    }
    let registration = state
        .store
        .register(
            meeting.gathering_id,
            Participant::User(principal.user.id),
            structure,
            modality,
            state.now(),
        )
        .await?;
    let detail = json!({ "structure": structure, "seat": registration.seat.as_str(), "modality": modality.as_str() });
    state
        .audit_one(principal.event("meeting.register", "meeting", id, detail))
        .await?;
    super::tell(&state, &meeting, &registration, super::Told::Registered).await?;
    Ok((
        StatusCode::CREATED,
        Json(meeting_view(&state, &principal, &meeting).await?),
    ))
}

/// Gives up a seat or a place on the waiting list: one's own, or anyone's for the organiser.
/// The first waiting of the same modality takes the seat freed, and is told.
#[utoipa::path(delete, path = "/api/v1/meetings/{id}/registrations/{registration}", tag = "meetings",
    params(("id" = i64, Path, description = "meeting id"),
           ("registration" = i64, Path, description = "registration id")),
    responses((status = 200, body = MeetingView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn cancel_registration(
    State(state): St,
    principal: Principal,
    Path((id, registration_id)): Path<(i64, i64)>,
) -> AppResult<Json<MeetingView>> {
    let meeting = find(&state, id).await?;
    let registration = state
        .store
        .gathering_registration(registration_id)
        .await?
        .filter(|r| r.gathering_id == meeting.gathering_id)
        .ok_or_else(|| {
            ApiError::NotFound(format!("registration {registration_id} of meeting {id}"))
        })?;
    let by = if registration.participant == Participant::User(principal.user.id) {
        Mover::Participant
    } else {
        as_organiser(&principal, &meeting)?;
        Mover::Organiser
    };
    let seated = state
        .store
        .cancel_registration(registration_id, by, state.now())
        .await?;
    let detail = json!({
        "registration": registration_id,
        "promoted": seated.promoted.as_ref().map(|p| p.id),
    });
    state
        .audit_one(principal.event("meeting.unregister", "meeting", id, detail))
        .await?;
    if by == Mover::Organiser {
        super::tell(
            &state,
            &meeting,
            &seated.registration,
            super::Told::Cancelled,
        )
        .await?;
    }
    if let Some(promoted) = &seated.promoted {
        super::tell(&state, &meeting, promoted, super::Told::Promoted).await?;
    }
    Ok(Json(meeting_view(&state, &principal, &meeting).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    pub id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub structure_id: i64,
    pub structure_name: String,
    pub registered_at: DateTime<Utc>,
    #[schema(value_type = String)]
    pub modality: Modality,
    /// `registered` (a seat), `waiting` or `cancelled`.
    #[schema(value_type = String)]
    pub seat: Seat,
    /// `present`, `excused` or `absent`, recorded once the meeting is over.
    #[schema(value_type = Option<String>)]
    pub attendance: Option<Attendance>,
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
    as_organiser(&principal, &meeting)?;
    let mut out = Vec::new();
    for r in state
        .store
        .gathering_registrations(meeting.gathering_id)
        .await?
    {
        let Participant::User(user_id) = r.participant else {
            continue;
        };
        let user = state.store.user(user_id).await?;
        let structure = state.store.structure(r.structure_id).await?;
        out.push(RegistrationView {
            id: r.id,
            user_id,
            display_name: user.map(|u| u.display_name).unwrap_or_default(),
            structure_id: r.structure_id,
            structure_name: structure.map(|s| s.record.name).unwrap_or_default(),
            registered_at: r.registered_at,
            modality: r.modality,
            seat: r.seat,
            attendance: r.attendance,
        });
    }
    Ok(Json(out))
}

/// Records whether a seated person came (the organiser), once the meeting is over and before
/// its attendance is closed.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendance", tag = "meetings",
    params(("id" = i64, Path, description = "meeting id")), request_body = AttendanceRequest,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn record_attendance(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<AttendanceRequest>,
) -> AppResult<StatusCode> {
    let meeting = find(&state, id).await?;
    as_organiser(&principal, &meeting)?;
    let registration = state
        .store
        .gathering_registrations(meeting.gathering_id)
        .await?
        .into_iter()
        .find(|r| r.participant == Participant::User(request.user_id))
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "registration of user {} for meeting {id}",
                request.user_id
            ))
        })?;
    let detail = json!({ "user": request.user_id, "attendance": request.attendance.as_str() });
    gathering::record_attendance(
        &state,
        &principal,
        ("meeting", id),
        registration.id,
        request.attendance,
        detail,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes the attendance of a meeting that is over, once every seated person's is recorded
/// (the organiser); the reason is said otherwise.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendance/close", tag = "meetings",
    params(("id" = i64, Path, description = "meeting id")),
    responses((status = 200, body = MeetingView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn close_attendance(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<MeetingView>> {
    let meeting = find(&state, id).await?;
    as_organiser(&principal, &meeting)?;
    gathering::close_attendance(&state, &principal, ("meeting", id), meeting.gathering_id).await?;
    Ok(Json(meeting_view(&state, &principal, &meeting).await?))
}

/// The meetings the user's structures organised that are over and whose attendance is not
/// closed yet, the oldest first: what is left to record.
#[utoipa::path(get, path = "/api/v1/meetings/attendance-due", tag = "meetings",
    responses((status = 200, body = Vec<MeetingView>), (status = 403, body = Problem)))]
pub(crate) async fn attendance_due(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<Vec<MeetingView>>> {
    let (mine, meetings) = meetings_to_read(&state, &principal, 365).await?;
    let organised: Vec<model::Meeting> = meetings
        .into_iter()
        .filter(|m| mine.contains(&m.meeting.organiser))
        .collect();
    let ids: Vec<i64> = organised.iter().map(|m| m.gathering_id).collect();
    let due = state.store.attendance_due(&ids, state.now()).await?;
    let mut out = Vec::with_capacity(due.len());
    for gathering in due {
        if let Some(meeting) = organised.iter().find(|m| m.gathering_id == gathering.id) {
            out.push(meeting_view(&state, &principal, meeting).await?);
        }
    }
    Ok(Json(out))
}
