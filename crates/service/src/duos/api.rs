//! Duos over HTTP: an advisor proposes a duo to one of their people with a suggested mentor
//! (`super::mentors`) or draws one by lottery, follows it (contacts, with notes only the
//! coordinator reads), closes it and records what it led to; the mentor's agency answers for
//! the mentor. Each side sees the other by pseudonym until both accepted; every name shown
//! is audited.

use super::Suggestion;
use super::mentors::{coordinated_person, find_mentor, suggestions_for};
use crate::actions::api::{StructureRef, structure_ref};
use crate::api::*;
use domain::RomeCode;
use model::{
    ContactKind, DUO_MONTHS_DEFAULT, DUO_MONTHS_MAX, Duo, DuoMilestone, DuoOutcome, DuoOutcomeKind,
    DuoState, NewContact, NewDuo,
};

/// One side of a duo.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuoMember {
    pub id: i64,
    pub pseudonym: String,
    /// Once both sides accepted (or to the member's own structure).
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuoView {
    pub id: i64,
    /// proposed, mentor_agreed, seeker_agreed, accepted, active, completed, stopped, declined
    pub state: String,
    pub job_seeker: DuoMember,
    pub mentor: DuoMember,
    /// ROME 4.0 code of the occupation discovered.
    pub rome: String,
    pub months: u8,
    /// The job seeker's France Travail agency, which coordinates the duo.
    pub coordinator: StructureRef,
    pub mentor_agency: StructureRef,
    /// The mentor was drawn by lottery.
    pub drawn: bool,
    pub proposed_at: DateTime<Utc>,
    pub started_on: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub stop_reason: Option<String>,
    pub last_contact_on: Option<NaiveDate>,
    /// Active with nothing logged for three weeks.
    pub silent: bool,
    /// coordinator or mentor: the side the user answers for.
    pub side: String,
    /// The states the user may move it to now.
    pub moves: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDuoRequest {
    pub job_seeker_id: i64,
    pub mentor_id: i64,
    /// ROME code of the occupation (one of the mentor's).
    pub rome: String,
    /// 1 to 9 (default 3).
    pub months: Option<u8>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuoDrawRequest {
    pub job_seeker_id: i64,
    /// 1 to 9 (default 3).
    pub months: Option<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuoDrawView {
    /// The draw won: a mentor drawn at random among the eligible, the duo proposed.
    pub won: bool,
    /// Mentors the draw was among.
    pub eligible: usize,
    pub duo: Option<DuoView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveDuoRequest {
    /// mentor_agreed / seeker_agreed / accepted (a side's yes), declined, active, completed,
    /// stopped
    pub to: String,
    /// For stopped: found_job, seeker_withdrew, mentor_withdrew, mentor_unavailable,
    /// mismatch, consent_withdrawn, other.
    pub reason: Option<String>,
    /// The day it started or ended (default: today).
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactRequest {
    pub on: NaiveDate,
    /// 5 to 600.
    pub minutes: u16,
    /// call, day_alongside, workshop
    pub kind: String,
    /// The coordinator's note (only the coordinator writes and reads it).
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: i64,
    pub on: NaiveDate,
    pub minutes: u16,
    pub kind: String,
    /// To the coordinator only.
    pub note: Option<String>,
    pub logged_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuoOutcomeRequest {
    /// end or six_months
    pub milestone: String,
    /// job, training, immersion, none
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuoOutcomeView {
    pub milestone: String,
    pub kind: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DuosQuery {
    /// Only the active duos with nothing logged for three weeks.
    pub silent: Option<bool>,
}

/// A number drawn uniformly below `bound` (at least 1) from the system's randomness.
fn random_below(bound: u64) -> AppResult<u64> {
    let bound = bound.max(1);
    // Rejection sampling: no bias toward the small numbers.
    let zone = u64::MAX - u64::MAX % bound;
    loop {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)
            .map_err(|err| ApiError::Internal(format!("no randomness: {err}")))?;
        let roll = u64::from_le_bytes(bytes);
        if roll < zone {
            return Ok(roll % bound);
        }
    }
}

/// The most duos a list shows.
const LIST: u32 = 500;
/// The odds of winning a draw: one in two, so that winners and losers compare.
const WIN_ONE_IN: u64 = 2;

/// The structures where the user holds this right.
pub(crate) fn seats_with(principal: &Principal, resource: Resource, verb: Verb) -> Vec<i64> {
    principal
        .grants(resource, verb)
        .iter()
        .map(|g| g.seat.structure_id)
        .collect()
}

/// The side of a duo the user answers for (`verb`), or why not.
pub(crate) fn side_of(principal: &Principal, duo: &Duo, verb: Verb) -> AppResult<Mover> {
    let mine = seats_with(principal, Resource::Duos, verb);
    if mine.contains(&duo.duo.coordinator_id) {
        Ok(Mover::PersonSide)
    } else if mine.contains(&duo.mentor_agency_id) {
        Ok(Mover::MentorSide)
    } else {
        principal
            .grant(Resource::Duos, verb, None)
            .map_err(forbidden)?;
        Err(forbidden(NOT_A_SIDE.to_string()))
    }
}

/// A duo and the side the user answers for (`verb`). The role's right is asked first, and
/// an unknown id is refused like another side's duo: nobody lists every duo, so ids tell
/// nothing.
pub(crate) async fn duo_and_side(
    state: &AppState,
    principal: &Principal,
    id: i64,
    verb: Verb,
) -> AppResult<(Duo, Mover)> {
    record_and_side(
        principal,
        Resource::Duos,
        verb,
        state.store.duo(id),
        |duo| side_of(principal, duo, verb),
        NOT_A_SIDE,
    )
    .await
}

const NOT_A_SIDE: &str = "this duo is coordinated by another agency and its mentor is \
    another agency's: only its two sides see it";

/// The states a side may move a duo to now, by the workflow.
fn moves_for(duo: &Duo, side: Mover) -> Vec<String> {
    workflow::DUOS
        .moves
        .iter()
        .filter(|m| m.from == duo.state && m.by.contains(&side))
        .map(|m| m.to.as_str().to_string())
        .collect()
}

/// A duo as one of its sides sees it; the names it shows are pushed to `named` (people) for
/// the audit trail.
pub(crate) async fn duo_view(
    state: &AppState,
    duo: &Duo,
    side: Mover,
    named: &mut Vec<i64>,
) -> AppResult<DuoView> {
    let revealed = duo.state.was_accepted();
    let (seeker, _) = job_seeker_and_agency(state, duo.duo.job_seeker_id).await?;
    let seeker_shown = side == Mover::PersonSide || revealed;
    if seeker_shown {
        named.push(seeker.id);
    }
    let r = &seeker.record;
    let mentor = find_mentor(state, duo.duo.mentor_id).await?;
    let m = &mentor.mentor;
    // The coordinator knows the mentor once both said yes, and while they volunteer.
    let mentor_shown = side == Mover::MentorSide || (revealed && mentor.withdrawn_at.is_none());
    let today = state.now().date_naive();
    Ok(DuoView {
        id: duo.id,
        state: duo.state.to_string(),
        job_seeker: DuoMember {
            id: seeker.id,
            pseudonym: seeker.pseudonym.clone(),
            name: seeker_shown.then(|| format!("{} {}", r.first_name, r.last_name)),
            email: r
                .email
                .as_ref()
                .filter(|_| seeker_shown)
                .map(|e| e.to_string()),
            phone: r
                .phone
                .as_ref()
                .filter(|_| seeker_shown)
                .map(|p| p.to_string()),
        },
        mentor: DuoMember {
            id: mentor.id,
            pseudonym: mentor.pseudonym(),
            name: mentor_shown.then(|| format!("{} {}", m.first_name, m.last_name)),
            email: m
                .email
                .as_ref()
                .filter(|_| mentor_shown)
                .map(|e| e.to_string()),
            phone: m
                .phone
                .as_ref()
                .filter(|_| mentor_shown)
                .map(|p| p.to_string()),
        },
        rome: duo.duo.rome.to_string(),
        months: duo.duo.months,
        coordinator: structure_ref(state, duo.duo.coordinator_id).await?,
        mentor_agency: structure_ref(state, duo.mentor_agency_id).await?,
        drawn: duo.duo.drawn,
        proposed_at: duo.proposed_at,
        started_on: duo.started_on,
        planned_end: duo.planned_end(),
        ended_on: duo.ended_on,
        stop_reason: duo.stop_reason.clone(),
        last_contact_on: duo.last_contact_on,
        silent: duo.is_silent(today),
        side: if side == Mover::PersonSide {
            "coordinator"
        } else {
            "mentor"
        }
        .to_string(),
        moves: moves_for(duo, side),
    })
}

/// Writes the reads of the people named through duos to the audit trail.
pub(crate) async fn audit_named(
    state: &AppState,
    principal: &Principal,
    named: &[i64],
    duo: Option<i64>,
) -> AppResult<()> {
    let detail = json!({ "through": "duo", "duo": duo });
    audit_reads(state, principal, named.iter().copied(), detail).await
}

fn months_of(asked: Option<u8>) -> AppResult<u8> {
    let months = asked.unwrap_or(DUO_MONTHS_DEFAULT);
    if !(1..=DUO_MONTHS_MAX).contains(&months) {
        return Err(ApiError::field(
            "/months",
            format!("from 1 to {DUO_MONTHS_MAX} months"),
        ));
    }
    Ok(months)
}

/// Proposes a duo between one of the advisor's people and a mentor with a place left, for an
/// occupation the mentor practises.
#[utoipa::path(post, path = "/api/v1/duos", tag = "duos", request_body = NewDuoRequest,
    responses((status = 201, body = DuoView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn propose_duo(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<NewDuoRequest>,
) -> AppResult<(StatusCode, Json<DuoView>)> {
    let (seeker, agency) = coordinated_person(&state, &principal, request.job_seeker_id).await?;
    let months = months_of(request.months)?;
    let rome = RomeCode::parse(request.rome.trim())
        .map_err(|_| ApiError::field("/rome", "a ROME 4.0 code (a letter and four digits)"))?;
    let mentor = find_mentor(&state, request.mentor_id).await?;
    if !mentor.mentor.occupations.iter().any(|o| o.rome == rome) {
        return Err(ApiError::field("/rome", "one of the mentor's occupations"));
    }
    let new = NewDuo {
        job_seeker_id: seeker.id,
        mentor_id: mentor.id,
        rome,
        months,
        coordinator_id: agency,
        drawn: false,
        proposed_by: Some(principal.user.id),
    };
    let duo = state.store.propose_duo(&new, state.now()).await?;
    let mut named = Vec::new();
    let view = duo_view(&state, &duo, Mover::PersonSide, &mut named).await?;
    state
        .audit_one(principal.event(
            "duo.propose",
            "duo",
            duo.id,
            json!({ "job_seeker": seeker.id, "mentor": mentor.id }),
        ))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Enters one of the advisor's people in the pilot's lottery: one chance in two of a duo with
/// a mentor drawn at random among the eligible (as suggested); a loser is kept as such for
/// the evaluation. A person is drawn once.
#[utoipa::path(post, path = "/api/v1/duos/draw", tag = "duos", request_body = DuoDrawRequest,
    responses((status = 201, body = DuoDrawView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn draw_duo(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<DuoDrawRequest>,
) -> AppResult<(StatusCode, Json<DuoDrawView>)> {
    let (seeker, agency) = coordinated_person(&state, &principal, request.job_seeker_id).await?;
    let months = months_of(request.months)?;
    let (_, eligible) = suggestions_for(&state, &seeker).await?;
    if eligible.is_empty() {
        return Err(ApiError::Refused(
            "no eligible mentor for this person: there is nothing to draw".to_string(),
        ));
    }
    // One chance in two; the eligible mentors in a random order (Fisher–Yates), the first
    // with a place left when the draw is written getting the duo.
    let won = random_below(WIN_ONE_IN)? == 0;
    let mut order: Vec<&Suggestion> = eligible.iter().collect();
    for i in (1..order.len()).rev() {
        let j = usize::try_from(random_below(i as u64 + 1)?).unwrap_or(0);
        order.swap(i, j);
    }
    let candidates: Vec<NewDuo> = order
        .iter()
        .filter_map(|s| {
            Some(NewDuo {
                job_seeker_id: seeker.id,
                mentor_id: s.mentor_id,
                rome: RomeCode::parse(s.rome).ok()?,
                months,
                coordinator_id: agency,
                drawn: true,
                proposed_by: Some(principal.user.id),
            })
        })
        .collect();
    let rome = candidates
        .first()
        .map(|c| c.rome.clone())
        .ok_or_else(|| ApiError::Internal("a suggestion without its occupation".to_string()))?;
    let (draw, duo) = state
        .store
        .record_draw(
            &model::NewDraw {
                job_seeker_id: seeker.id,
                coordinator_id: agency,
                rome,
                won,
                drawn_by: Some(principal.user.id),
            },
            &candidates,
            state.now(),
        )
        .await?;
    let mut named = Vec::new();
    let view = match &duo {
        Some(duo) => Some(duo_view(&state, duo, Mover::PersonSide, &mut named).await?),
        None => None,
    };
    state
        .audit_one(principal.event(
            "duo.draw",
            "job_seeker",
            seeker.id,
            json!({ "draw": draw.id, "won": draw.won, "duo": draw.duo_id, "eligible": eligible.len() }),
        ))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(DuoDrawView {
            won: draw.won,
            eligible: eligible.len(),
            duo: view,
        }),
    ))
}

/// The duos of the user's structures (coordinated, or with their mentors): open ones first.
#[utoipa::path(get, path = "/api/v1/duos", tag = "duos", params(DuosQuery),
    responses((status = 200, body = Vec<DuoView>), (status = 403, body = Problem)))]
pub(crate) async fn list_duos(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<DuosQuery>,
) -> AppResult<Json<Vec<DuoView>>> {
    let (out, named) = duos_of_user(&state, &principal, query.silent.unwrap_or(false)).await?;
    audit_named(&state, &principal, &named, None).await?;
    Ok(Json(out))
}

pub(crate) async fn duos_of_user(
    state: &AppState,
    principal: &Principal,
    silent_only: bool,
) -> AppResult<(Vec<DuoView>, Vec<i64>)> {
    principal
        .grant(Resource::Duos, Verb::Read, None)
        .map_err(forbidden)?;
    let today = state.now().date_naive();
    let mut out = Vec::new();
    let mut named = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for structure in seats_with(principal, Resource::Duos, Verb::Read) {
        for duo in state.store.duos_of_structure(structure, LIST).await? {
            if !seen.insert(duo.id) || (silent_only && !duo.is_silent(today)) {
                continue;
            }
            let side = side_of(principal, &duo, Verb::Read)?;
            out.push(duo_view(state, &duo, side, &mut named).await?);
        }
    }
    named.sort_unstable();
    named.dedup();
    Ok((out, named))
}

#[utoipa::path(get, path = "/api/v1/duos/{id}", tag = "duos",
    params(("id" = i64, Path, description = "duo id")),
    responses((status = 200, body = DuoView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn get_duo(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<DuoView>> {
    let (duo, side) = duo_and_side(&state, &principal, id, Verb::Read).await?;
    let mut named = Vec::new();
    let view = duo_view(&state, &duo, side, &mut named).await?;
    audit_named(&state, &principal, &named, Some(id)).await?;
    Ok(Json(view))
}

/// A side's answer (agreed, declined), the start, the end (completed) or an early stop with
/// its reason; the mentor's side answers through its agency, the person's through the
/// coordinator.
#[utoipa::path(post, path = "/api/v1/duos/{id}/state", tag = "duos",
    params(("id" = i64, Path, description = "duo id")), request_body = MoveDuoRequest,
    responses((status = 200, body = DuoView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn move_duo(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<MoveDuoRequest>,
) -> AppResult<Json<DuoView>> {
    let (_, side) = duo_and_side(&state, &principal, id, Verb::Write).await?;
    // A side's yes (mentor_agreed, seeker_agreed or accepted) is read by the store under
    // its lock: the side's own agreement, or the acceptance once the other side agreed.
    let to = DuoState::parse(request.to.trim())
        .filter(|s| *s != DuoState::Proposed)
        .ok_or_else(|| {
            ApiError::field(
                "/to",
                "mentor_agreed, seeker_agreed, accepted, declined, active, completed or stopped",
            )
        })?;
    let reason = move_reason(
        request.reason.as_deref(),
        to == DuoState::Stopped,
        model::DUO_STOP_REASONS,
    )?;
    let today = state.now().date_naive();
    let on = request.on.unwrap_or(today);
    if let Some(problem) = date_field("/on", Some(on)) {
        return Err(ApiError::Invalid(vec![problem]));
    }
    if on > today {
        return Err(ApiError::field("/on", "a day that has come"));
    }
    let moved = state
        .store
        .move_duo(id, to, side, reason, on, state.now())
        .await?;
    state
        .audit_one(principal.event(
            "duo.move",
            "duo",
            id,
            json!({ "to": to.as_str(), "reason": reason }),
        ))
        .await?;
    let mut named = Vec::new();
    let view = duo_view(&state, &moved, side, &mut named).await?;
    audit_named(&state, &principal, &named, Some(id)).await?;
    Ok(Json(view))
}

/// Logs a contact of the duo (either side); the first one starts it. Only the coordinator
/// writes a note.
#[utoipa::path(post, path = "/api/v1/duos/{id}/contacts", tag = "duos",
    params(("id" = i64, Path, description = "duo id")), request_body = NewContactRequest,
    responses((status = 201, body = ContactView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn log_contact(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<NewContactRequest>,
) -> AppResult<(StatusCode, Json<ContactView>)> {
    let (_, side) = duo_and_side(&state, &principal, id, Verb::Write).await?;
    let mut problems = Vec::new();
    let kind = ContactKind::parse(request.kind.trim());
    if kind.is_none() {
        problems.push(FieldProblem::new(
            "/kind",
            "call, day_alongside or workshop",
        ));
    }
    if !(5..=600).contains(&request.minutes) {
        problems.push(FieldProblem::new("/minutes", "from 5 to 600 minutes"));
    }
    let today = state.now().date_naive();
    problems.extend(date_field("/on", Some(request.on)));
    if request.on > today {
        problems.push(FieldProblem::new("/on", "a day that has come"));
    }
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    if note.is_some() && side != Mover::PersonSide {
        problems.push(FieldProblem::new(
            "/note",
            "only the duo's coordinator keeps notes",
        ));
    }
    problems.extend(paragraph_field(
        "/note",
        note.as_deref(),
        model::text::NOTE_CHARS,
    ));
    let (Some(kind), true) = (kind, problems.is_empty()) else {
        return Err(ApiError::Invalid(problems));
    };
    let contact = NewContact {
        duo_id: id,
        on: request.on,
        minutes: request.minutes,
        kind,
        note,
        logged_by: Some(principal.user.id),
    };
    let (logged, _) = state.store.log_contact(&contact, state.now()).await?;
    state
        .audit_one(principal.event("duo.contact", "duo", id, json!({ "contact": logged.id })))
        .await?;
    Ok((StatusCode::CREATED, Json(contact_view(&logged, side))))
}

fn outcome_view(o: &DuoOutcome) -> DuoOutcomeView {
    DuoOutcomeView {
        milestone: o.milestone.to_string(),
        kind: o.kind.to_string(),
        recorded_at: o.recorded_at,
    }
}

fn contact_view(c: &model::Contact, side: Mover) -> ContactView {
    ContactView {
        id: c.id,
        on: c.contact.on,
        minutes: c.contact.minutes,
        kind: c.contact.kind.to_string(),
        note: c.contact.note.clone().filter(|_| side == Mover::PersonSide),
        logged_at: c.logged_at,
    }
}

#[utoipa::path(get, path = "/api/v1/duos/{id}/contacts", tag = "duos",
    params(("id" = i64, Path, description = "duo id")),
    responses((status = 200, body = Vec<ContactView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn list_contacts(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ContactView>>> {
    let (_, side) = duo_and_side(&state, &principal, id, Verb::Read).await?;
    let contacts = state.store.contacts_of_duo(id).await?;
    Ok(Json(
        contacts.iter().map(|c| contact_view(c, side)).collect(),
    ))
}

/// What the duo led to, at its end or six months after (the coordinator).
#[utoipa::path(post, path = "/api/v1/duos/{id}/outcomes", tag = "duos",
    params(("id" = i64, Path, description = "duo id")), request_body = DuoOutcomeRequest,
    responses((status = 201, body = DuoOutcomeView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn record_outcome(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<DuoOutcomeRequest>,
) -> AppResult<(StatusCode, Json<DuoOutcomeView>)> {
    let (_, side) = duo_and_side(&state, &principal, id, Verb::Write).await?;
    if side != Mover::PersonSide {
        return Err(forbidden(
            "a duo's outcome is recorded by its coordinator, the person's agency".to_string(),
        ));
    }
    let mut problems = Vec::new();
    let milestone = DuoMilestone::parse(request.milestone.trim());
    if milestone.is_none() {
        problems.push(FieldProblem::new("/milestone", "end or six_months"));
    }
    let kind = DuoOutcomeKind::parse(request.kind.trim());
    if kind.is_none() {
        problems.push(FieldProblem::new(
            "/kind",
            "job, training, immersion or none",
        ));
    }
    let (Some(milestone), Some(kind)) = (milestone, kind) else {
        return Err(ApiError::Invalid(problems));
    };
    let outcome = DuoOutcome {
        duo_id: id,
        milestone,
        kind,
        recorded_by: Some(principal.user.id),
        recorded_at: state.now(),
    };
    let recorded = state
        .store
        .record_duo_outcome(&outcome, state.now().date_naive())
        .await?;
    state
        .audit_one(principal.event(
            "duo.outcome",
            "duo",
            id,
            json!({ "milestone": milestone.as_str(), "kind": kind.as_str() }),
        ))
        .await?;
    Ok((StatusCode::CREATED, Json(outcome_view(&recorded))))
}

#[utoipa::path(get, path = "/api/v1/duos/{id}/outcomes", tag = "duos",
    params(("id" = i64, Path, description = "duo id")),
    responses((status = 200, body = Vec<DuoOutcomeView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn list_outcomes(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<DuoOutcomeView>>> {
    duo_and_side(&state, &principal, id, Verb::Read).await?;
    let outcomes = state.store.outcomes_of_duo(id).await?;
    Ok(Json(outcomes.iter().map(outcome_view).collect()))
}

/// A person of the advisor's agency for whom a mentor is free.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuoCandidateView {
    pub job_seeker_id: i64,
    pub name: String,
    /// The priority statuses the person holds (their own agency sees them all).
    pub statuses: Vec<String>,
    pub registered_on: NaiveDate,
    /// ROME 4.0 code of the best suggestion's occupation.
    pub rome: String,
    /// Mentors free for the person.
    pub mentors: usize,
}

/// The most people the list of candidates shows.
const CANDIDATES: usize = 20;

/// The people of the advisor's agencies for whom a mentor is free now, priority publics
/// first (see `duos::candidates`); each listed person is a read, audited.
#[utoipa::path(get, path = "/api/v1/duos/candidates", tag = "duos",
    responses((status = 200, body = Vec<DuoCandidateView>), (status = 403, body = Problem)))]
pub(crate) async fn duo_candidates(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<Vec<DuoCandidateView>>> {
    principal
        .grant(Resource::Duos, Verb::Write, None)
        .map_err(forbidden)?;
    // The agencies whose people the user coordinates: where they write duos and read the
    // portfolio as its own.
    let agencies: Vec<i64> = seats_with(&principal, Resource::Duos, Verb::Write)
        .into_iter()
        .filter(|a| {
            principal
                .grant(Resource::JobSeekers, Verb::Read, Some(*a))
                .is_ok_and(|g| g.rule.reach == Reach::Own)
        })
        .collect();
    if agencies.is_empty() {
        return Err(forbidden(
            "the candidates for a duo are a France Travail agency's people: its advisors' list"
                .to_string(),
        ));
    }
    let today = state.now().date_naive();
    let mut out = Vec::new();
    for agency in agencies {
        for c in super::candidates(state.store.as_ref(), agency, today, CANDIDATES).await? {
            let r = &c.seeker.record;
            out.push(DuoCandidateView {
                job_seeker_id: c.seeker.id,
                name: format!("{} {}", r.first_name, r.last_name),
                statuses: r.priorities.keys().map(|s| s.to_string()).collect(),
                registered_on: r.registered_on,
                rome: c.best.rome.to_string(),
                mentors: c.mentors,
            });
        }
    }
    let read = out.iter().map(|c| c.job_seeker_id);
    audit_reads(
        &state,
        &principal,
        read,
        json!({ "through": "duo_candidates" }),
    )
    .await?;
    Ok(Json(out))
}

/// Closes a person's open duos that their consent, as just recorded, no longer covers
/// (`duos::consent_covers`):
/// declined before both sides agreed, stopped (`consent_withdrawn`) after; each audited.
pub(crate) async fn close_uncovered_duos(
    state: &AppState,
    actor: crate::api::Actor,
    person: &model::JobSeeker,
) -> AppResult<Vec<i64>> {
    let mut closed = Vec::new();
    for duo in state.store.duos_of_job_seeker(person.id).await? {
        if !duo.state.is_open() {
            continue;
        }
        let covered = match state.store.mentor(duo.duo.mentor_id).await? {
            Some(mentor) => super::consent_covers(person, &mentor),
            None => false,
        };
        if covered {
            continue;
        }
        let (to, reason) = if duo.state.was_accepted() {
            (DuoState::Stopped, Some("consent_withdrawn"))
        } else {
            (DuoState::Declined, None)
        };
        let now = state.now();
        state
            .store
            .move_duo(duo.id, to, Mover::PersonSide, reason, now.date_naive(), now)
            .await?;
        state
            .audit_one(actor.event(
                "duo.move",
                "duo",
                duo.id,
                json!({ "to": to.as_str(), "reason": "consent" }),
            ))
            .await?;
        closed.push(duo.id);
    }
    Ok(closed)
}
