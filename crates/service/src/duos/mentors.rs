//! Mentors over HTTP: an agency registers its temp workers who volunteer (their consent
//! recorded), reads them in full and withdraws them; an advisor reads them by pseudonym and
//! gets them suggested for one of their people.

use super::api::seats_with;
use super::{Relation, Suggestion};
use crate::actions::api::{StructureRef, structure_ref};
use crate::api::*;
use domain::{Email, InseeCode, PersonName, PhoneNumber, RomeCode};
use model::{
    MENTOR_CAPACITY_MAX, MENTOR_OCCUPATIONS_MAX, Mentor, MentorOccupation, NewMentor, StructureKind,
};

/// An occupation a mentor practises.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MentorOccupationView {
    /// ROME 4.0 code.
    pub rome: String,
    /// Months of experience in it, 1 to 600.
    pub months: u16,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentorView {
    pub id: i64,
    pub pseudonym: String,
    /// Name and contact: to the mentor's agency, and to the coordinator of a duo of theirs
    /// both sides accepted.
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub agency: StructureRef,
    /// INSEE code of the commune.
    pub commune: String,
    pub occupations: Vec<MentorOccupationView>,
    pub available_from: NaiveDate,
    pub hours_per_month: u8,
    /// Duos at once (1 or 2), and those open now.
    pub capacity: u8,
    pub open_duos: u8,
    /// The day the temp worker consented (to their agency only).
    pub consent_on: Option<NaiveDate>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMentorRequest {
    /// The agence d'emploi (default: the user's own).
    pub agency_id: Option<i64>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// INSEE code of the commune where they live or work.
    pub commune: String,
    /// 1 to 5 occupations.
    pub occupations: Vec<MentorOccupationView>,
    /// Default: today.
    pub available_from: Option<NaiveDate>,
    /// 1 to 80.
    pub hours_per_month: u8,
    /// 1 or 2 (default 1).
    pub capacity: Option<u8>,
    /// Must be true: the temp worker consented to be a mentor and to have their identity
    /// shown to a job seeker's advisor once a duo is accepted.
    pub consent: bool,
    /// The day of the consent (default: today).
    pub consent_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentorSuggestionView {
    pub mentor_id: i64,
    pub pseudonym: String,
    /// ROME 4.0 code of the occupation the duo would be about.
    pub rome: String,
    /// same (one of the person's targets) or close
    pub relation: String,
    /// Its official tension class in the person's department (4 or 5).
    pub class: u8,
    pub months: u16,
    pub distance_km: f64,
    pub available_from: NaiveDate,
    pub available_soon: bool,
    pub hours_per_month: u8,
    pub places: u8,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentorSuggestionsView {
    /// The occupations considered (targets and close ones in tension).
    pub occupations: Vec<String>,
    pub mentors: Vec<MentorSuggestionView>,
}

/// A mentor the user reaches (`verb`): the role's right asked first; to whoever may not list
/// every mentor, an unknown id is refused like another agency's mentor, so that ids tell
/// nothing.
async fn mentor_to_reach(
    state: &AppState,
    principal: &Principal,
    id: i64,
    verb: Verb,
) -> AppResult<Mentor> {
    let widest = principal
        .grant(Resource::Mentors, verb, None)
        .map_err(forbidden)?;
    match state.store.mentor(id).await? {
        Some(mentor) => {
            principal
                .grant(Resource::Mentors, verb, Some(mentor.mentor.agency_id))
                .map_err(forbidden)?;
            Ok(mentor)
        }
        None if widest.rule.reach == Reach::Any => Err(ApiError::NotFound(format!("mentor {id}"))),
        // The very refusal of another agency's mentor.
        None => Err(forbidden(
            principal
                .grant(Resource::Mentors, verb, Some(i64::MIN))
                .err()
                .unwrap_or_default(),
        )),
    }
}

pub(crate) async fn find_mentor(state: &AppState, id: i64) -> AppResult<Mentor> {
    state
        .store
        .mentor(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("mentor {id}")))
}

/// A mentor as the user may see them: in full to their agency, by pseudonym to others
/// unless `revealed` (a duo of the user's both sides accepted).
async fn mentor_view(
    state: &AppState,
    principal: &Principal,
    mentor: &Mentor,
    revealed: bool,
) -> AppResult<MentorView> {
    let own = principal
        .grant(Resource::Mentors, Verb::Read, Some(mentor.mentor.agency_id))
        .is_ok_and(|g| g.rule.reach == Reach::Own);
    let shown = own || revealed;
    let m = &mentor.mentor;
    Ok(MentorView {
        id: mentor.id,
        pseudonym: mentor.pseudonym(),
        name: shown.then(|| format!("{} {}", m.first_name, m.last_name)),
        email: m.email.as_ref().filter(|_| shown).map(|e| e.to_string()),
        phone: m.phone.as_ref().filter(|_| shown).map(|p| p.to_string()),
        agency: structure_ref(state, m.agency_id).await?,
        commune: m.commune.to_string(),
        occupations: m
            .occupations
            .iter()
            .map(|o| MentorOccupationView {
                rome: o.rome.to_string(),
                months: o.months,
            })
            .collect(),
        available_from: m.available_from,
        hours_per_month: m.hours_per_month,
        capacity: m.capacity,
        open_duos: mentor.open_duos,
        consent_on: own.then_some(m.consent_on),
        withdrawn_at: mentor.withdrawn_at,
    })
}

/// An agency's mentors in full (the user's agencies), or, to an advisor, every mentor still
/// volunteering, by pseudonym.
#[utoipa::path(get, path = "/api/v1/mentors", tag = "duos",
    responses((status = 200, body = Vec<MentorView>), (status = 403, body = Problem)))]
pub(crate) async fn list_mentors(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<Vec<MentorView>>> {
    let grant = principal
        .grant(Resource::Mentors, Verb::Read, None)
        .map_err(forbidden)?;
    let mut out = Vec::new();
    if grant.rule.reach == Reach::Any {
        for structure in state.store.structures().await? {
            if structure.record.kind != StructureKind::AgenceEmploi {
                continue;
            }
            for mentor in state.store.mentors_of_agency(structure.id).await? {
                if mentor.withdrawn_at.is_none() {
                    out.push(mentor_view(&state, &principal, &mentor, false).await?);
                }
            }
        }
    } else {
        for agency in seats_with(&principal, Resource::Mentors, Verb::Read) {
            for mentor in state.store.mentors_of_agency(agency).await? {
                out.push(mentor_view(&state, &principal, &mentor, false).await?);
            }
        }
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/mentors/{id}", tag = "duos",
    params(("id" = i64, Path, description = "mentor id")),
    responses((status = 200, body = MentorView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn get_mentor(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<MentorView>> {
    let mentor = mentor_to_reach(&state, &principal, id, Verb::Read).await?;
    // A coordinator whose duo with the mentor both sides accepted knows who they are.
    let mine = seats_with(&principal, Resource::Duos, Verb::Read);
    let revealed = state
        .store
        .duos_of_mentor(id)
        .await?
        .iter()
        .any(|d| d.state.was_accepted() && mine.contains(&d.duo.coordinator_id))
        && mentor.withdrawn_at.is_none();
    Ok(Json(
        mentor_view(&state, &principal, &mentor, revealed).await?,
    ))
}

/// Registers a temp worker who volunteers as a mentor; their consent is required.
#[utoipa::path(post, path = "/api/v1/mentors", tag = "duos", request_body = NewMentorRequest,
    responses((status = 201, body = MentorView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn create_mentor(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<NewMentorRequest>,
) -> AppResult<(StatusCode, Json<MentorView>)> {
    let agency = match request.agency_id {
        Some(id) => id,
        None => seats_with(&principal, Resource::Mentors, Verb::Write)
            .first()
            .copied()
            .ok_or_else(|| {
                principal
                    .grant(Resource::Mentors, Verb::Write, None)
                    .err()
                    .map_or_else(|| ApiError::field("/agency_id", "your agency"), forbidden)
            })?,
    };
    principal
        .grant(Resource::Mentors, Verb::Write, Some(agency))
        .map_err(forbidden)?;
    let today = state.now().date_naive();
    let mut problems = Vec::new();
    let name = |path: &str, text: &str, problems: &mut Vec<FieldProblem>| {
        if let Some(problem) = model::text::line_problem(text.trim(), 100) {
            problems.push(FieldProblem::new(path, problem));
            return None;
        }
        PersonName::parse(text.trim())
            .map_err(|err| problems.push(FieldProblem::new(path, err.to_string())))
            .ok()
    };
    let first_name = name("/first_name", &request.first_name, &mut problems);
    let last_name = name("/last_name", &request.last_name, &mut problems);
    let email = match request
        .email
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(text) => Email::parse(text)
            .map_err(|err| problems.push(FieldProblem::new("/email", err.to_string())))
            .ok(),
        None => None,
    };
    let phone = match request
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(text) => PhoneNumber::parse(text)
            .map_err(|err| problems.push(FieldProblem::new("/phone", err.to_string())))
            .ok(),
        None => None,
    };
    let commune = InseeCode::parse(request.commune.trim())
        .ok()
        .filter(|c| refdata::geo().commune(c.as_str()).is_some());
    if commune.is_none() {
        problems.push(FieldProblem::new(
            "/commune",
            "the INSEE code of a French commune",
        ));
    }
    if request.occupations.is_empty() || request.occupations.len() > MENTOR_OCCUPATIONS_MAX {
        problems.push(FieldProblem::new(
            "/occupations",
            format!("from 1 to {MENTOR_OCCUPATIONS_MAX} occupations"),
        ));
    }
    let mut occupations: Vec<MentorOccupation> = Vec::new();
    for (i, o) in request.occupations.iter().enumerate() {
        let rome = RomeCode::parse(o.rome.trim())
            .ok()
            .filter(|r| refdata::rome().occupation(r.as_str()).is_some());
        match rome {
            Some(rome) if occupations.iter().any(|x| x.rome == rome) => problems.push(
                FieldProblem::new(format!("/occupations/{i}/rome"), "given twice"),
            ),
            Some(rome) => occupations.push(MentorOccupation {
                rome,
                months: o.months,
            }),
            None => problems.push(FieldProblem::new(
                format!("/occupations/{i}/rome"),
                "a ROME 4.0 code (a letter and four digits)",
            )),
        }
        if !(1..=600).contains(&o.months) {
            problems.push(FieldProblem::new(
                format!("/occupations/{i}/months"),
                "months of experience, from 1 to 600",
            ));
        }
    }
    if !(1..=80).contains(&request.hours_per_month) {
        problems.push(FieldProblem::new(
            "/hours_per_month",
            "from 1 to 80 hours a month",
        ));
    }
    let capacity = request.capacity.unwrap_or(1);
    if !(1..=MENTOR_CAPACITY_MAX).contains(&capacity) {
        problems.push(FieldProblem::new(
            "/capacity",
            format!("from 1 to {MENTOR_CAPACITY_MAX} job seekers at once"),
        ));
    }
    if !request.consent {
        problems.push(FieldProblem::new(
            "/consent",
            "the temp worker's consent to be a mentor is required",
        ));
    }
    let consent_on = request.consent_on.unwrap_or(today);
    if consent_on > today {
        problems.push(FieldProblem::new("/consent_on", "a day that has come"));
    }
    let available_from = request.available_from.unwrap_or(today);
    problems.extend(
        [
            date_field("/consent_on", Some(consent_on)),
            date_field("/available_from", Some(available_from)),
        ]
        .into_iter()
        .flatten(),
    );
    let structure = state.store.structure(agency).await?;
    if !structure.is_some_and(|s| {
        s.record.kind == StructureKind::AgenceEmploi
            && s.record.status == model::StructureStatus::Active
    }) {
        problems.push(FieldProblem::new(
            "/agency_id",
            format!("structure {agency} is not an active agence d'emploi"),
        ));
    }
    let (Some(first_name), Some(last_name), Some(commune), true) =
        (first_name, last_name, commune, problems.is_empty())
    else {
        return Err(ApiError::Invalid(problems));
    };
    let new = NewMentor {
        agency_id: agency,
        first_name,
        last_name,
        email,
        phone,
        commune,
        occupations,
        available_from,
        hours_per_month: request.hours_per_month,
        capacity,
        consent_on,
        created_by: Some(principal.user.id),
    };
    let mentor = state.store.create_mentor(&new, state.now()).await?;
    state
        .audit_one(principal.event(
            "mentor.create",
            "mentor",
            mentor.id,
            json!({ "agency": agency }),
        ))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(mentor_view(&state, &principal, &mentor, false).await?),
    ))
}

/// The mentor withdraws (their agency records it): no duo is proposed to them any more;
/// their duos not under way are declined, those under way stopped.
#[utoipa::path(post, path = "/api/v1/mentors/{id}/withdrawal", tag = "duos",
    params(("id" = i64, Path, description = "mentor id")),
    responses((status = 200, body = MentorView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn withdraw_mentor(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<MentorView>> {
    mentor_to_reach(&state, &principal, id, Verb::Write).await?;
    let withdrawn = state.store.withdraw_mentor(id, state.now()).await?;
    state
        .audit_one(principal.event("mentor.withdraw", "mentor", id, json!({})))
        .await?;
    Ok(Json(
        mentor_view(&state, &principal, &withdrawn, false).await?,
    ))
}

/// The person, their agency, and the advisor's right to coordinate a duo for them.
const COORDINATED: &str = "a duo is coordinated by the person's own France Travail agency";

pub(crate) async fn coordinated_person(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<(model::JobSeeker, i64)> {
    principal
        .grant(Resource::Duos, Verb::Write, None)
        .map_err(forbidden)?;
    // Only who coordinates somewhere (an advisor of their agency's portfolio) reads on: to
    // the others, every id is refused alike, before anything is looked up.
    let coordinator = principal
        .grants(Resource::JobSeekers, Verb::Read)
        .iter()
        .any(|g| {
            g.rule.reach == Reach::Own
                && principal
                    .grant(Resource::Duos, Verb::Write, Some(g.seat.structure_id))
                    .is_ok()
        });
    if !coordinator {
        return Err(forbidden(COORDINATED.to_string()));
    }
    let (seeker, agency) = person_to_read(state, principal, id).await?;
    let coordinates = principal
        .grant(Resource::Duos, Verb::Write, Some(agency))
        .is_ok()
        && principal
            .grant(Resource::JobSeekers, Verb::Read, Some(agency))
            .is_ok_and(|g| g.rule.reach == Reach::Own);
    if !coordinates {
        return Err(refused(state, principal, id, "duo.suggest", COORDINATED.to_string()).await);
    }
    Ok((seeker, agency))
}

/// The mentors suggested for a person, best first (see [`super::suggestions`]).
pub(crate) async fn suggestions_for(
    state: &AppState,
    seeker: &model::JobSeeker,
) -> AppResult<(Vec<super::DuoOccupation>, Vec<Suggestion>)> {
    Ok(super::suggestions(state.store.as_ref(), seeker, state.now().date_naive()).await?)
}

fn suggestion_view(s: &Suggestion) -> MentorSuggestionView {
    MentorSuggestionView {
        mentor_id: s.mentor_id,
        pseudonym: model::mentor_pseudonym(s.mentor_id),
        rome: s.rome.to_string(),
        relation: match s.relation {
            Relation::Same => "same",
            Relation::Close => "close",
        }
        .to_string(),
        class: s.class,
        months: s.months,
        distance_km: (s.distance_km * 10.0).round() / 10.0,
        available_from: s.available_from,
        available_soon: s.available_soon,
        hours_per_month: s.hours_per_month,
        places: s.places,
    }
}

/// Mentors suggested for one of the advisor's people: by pseudonym, with why.
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/mentors", tag = "duos",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 200, body = MentorSuggestionsView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn mentor_suggestions(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<MentorSuggestionsView>> {
    let (seeker, _) = coordinated_person(&state, &principal, id).await?;
    let (occupations, found) = suggestions_for(&state, &seeker).await?;
    Ok(Json(MentorSuggestionsView {
        occupations: occupations.iter().map(|o| o.rome.to_string()).collect(),
        mentors: found.iter().map(suggestion_view).collect(),
    }))
}
