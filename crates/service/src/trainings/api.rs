//! The training catalogue over HTTP: sessions searched by occupation, place and dates, one
//! session, and the outcomes' gauge by occupation and department. No personal data: every
//! member reads it.

use super::{Outcomes, TrainingOutcomeView};
use crate::api::*;
use model::trainings::{TrainingQuery, TrainingSession};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TrainingSearch {
    /// ROME code or words of an occupation's label (e.g. N1101, cariste).
    pub rome: Option<String>,
    /// Sessions near this commune: INSEE code, postcode or name.
    pub commune: Option<String>,
    /// Within this many kilometres of the commune (1 to 200, default 30).
    #[param(minimum = 1, maximum = 200)]
    pub km: Option<u16>,
    /// Sessions running on some day from this one...
    pub from: Option<NaiveDate>,
    /// ...to this one.
    pub to: Option<NaiveDate>,
    /// How many to skip (0 to 1,000,000).
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: Option<u64>,
    /// At most this many (1 to 500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CodeLabel {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrainingPlaceView {
    pub lines: Vec<String>,
    pub postcode: Option<String>,
    pub city: String,
    pub commune: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// A session of the catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrainingSessionView {
    pub id: i64,
    pub formation_ref: String,
    pub action_ref: String,
    pub session_ref: String,
    pub title: String,
    pub objective: Option<String>,
    pub body: String,
    pub body_siret: Option<String>,
    /// The occupations it leads to (ROME 4.0).
    pub romes: Vec<CodeLabel>,
    pub formacodes: Vec<String>,
    pub certifying: bool,
    pub rncp_codes: Vec<String>,
    pub place: TrainingPlaceView,
    /// As the catalogue gives them: YYYYMMDD, 00 for an unknown day or month.
    pub starts: String,
    pub ends: String,
    /// The first day it may start, and the last it may end (none when unknown).
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub hours_total: Option<u32>,
    pub hours_centre: Option<u32>,
    pub hours_enterprise: Option<u32>,
    /// LHEO funders' codes.
    pub funders: Vec<String>,
    /// LHEO recruitment state: 1 open, 2 closed, 3 suspended.
    pub recruitment: Option<u8>,
    pub url: Option<String>,
    /// From the commune searched, when one was.
    pub distance_km: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingPage {
    pub total: u64,
    pub sessions: Vec<TrainingSessionView>,
}

pub(crate) fn rome_label(code: &str) -> String {
    refdata::rome()
        .occupation(code)
        .map_or_else(String::new, |o| o.label.to_string())
}

pub(crate) fn session_view(
    session: &TrainingSession,
    from: Option<(f64, f64)>,
) -> TrainingSessionView {
    let r = &session.record;
    TrainingSessionView {
        id: session.id,
        formation_ref: r.formation_ref.clone(),
        action_ref: r.action_ref.clone(),
        session_ref: r.session_ref.clone(),
        title: r.title.clone(),
        objective: r.objective.clone(),
        body: r.body.name.clone(),
        body_siret: r.body.siret.as_ref().map(|s| s.to_string()),
        romes: r
            .romes
            .iter()
            .map(|code| CodeLabel {
                code: code.to_string(),
                label: rome_label(code.as_str()),
            })
            .collect(),
        formacodes: r.formacodes.clone(),
        certifying: r.certifying,
        rncp_codes: r.rncp_codes.clone(),
        place: TrainingPlaceView {
            lines: r.place.lines.clone(),
            postcode: r.place.postcode.as_ref().map(|p| p.to_string()),
            city: r.place.city.clone(),
            commune: r.place.commune.as_ref().map(|c| c.to_string()),
            latitude: r.place.coordinates.map(|c| c.0),
            longitude: r.place.coordinates.map(|c| c.1),
        },
        starts: r.starts.as_str().to_string(),
        ends: r.ends.as_str().to_string(),
        first_day: r.starts.first_day(),
        last_day: r.ends.last_day(),
        hours_total: r.hours_total,
        hours_centre: r.hours_centre,
        hours_enterprise: r.hours_enterprise,
        funders: r.funders.clone(),
        recruitment: r.recruitment,
        url: r.url.clone(),
        distance_km: from
            .zip(r.place.coordinates)
            .map(|(a, b)| (refdata::distance_km(a, b) * 10.0).round() / 10.0),
    }
}

/// A commune asked for by what a person typed, as the field's error when none matches.
pub(crate) fn commune_of(query: &str, field: &str) -> AppResult<&'static refdata::Commune> {
    refdata::geo()
        .lookup(query)
        .first()
        .copied()
        .ok_or_else(|| ApiError::field(field, "no commune has this code, postcode or name"))
}

/// The query a search asks for, checked.
pub(crate) fn training_query(
    search: &TrainingSearch,
) -> AppResult<(TrainingQuery, Option<(f64, f64)>)> {
    let offset = page_offset(search.offset)?;
    let limit = page_limit(search.limit)?;
    let romes = match search
        .rome
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(text) => {
            let occupation = refdata::rome()
                .find(text)
                .map_err(|err| ApiError::field("?rome", err.to_string()))?;
            vec![
                domain::RomeCode::parse(occupation.code)
                    .map_err(|err| ApiError::field("?rome", err.to_string()))?,
            ]
        }
        None => Vec::new(),
    };
    let km = search.km.unwrap_or(30);
    if !(1..=200).contains(&km) {
        return Err(ApiError::field("?km", "between 1 and 200 kilometres"));
    }
    let near = match search
        .commune
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(text) => Some(commune_of(text, "?commune")?.point()),
        None => None,
    };
    if let (Some(from), Some(to)) = (search.from, search.to)
        && to < from
    {
        return Err(ApiError::field(
            "?to",
            "the period ends on or after its start",
        ));
    }
    for (field, day) in [("?from", search.from), ("?to", search.to)] {
        if let Some(problem) = day.and_then(model::text::date_problem) {
            return Err(ApiError::field(field, problem));
        }
    }
    Ok((
        TrainingQuery {
            romes,
            from: search.from,
            to: search.to,
            near,
            within_km: f64::from(km),
            limit,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        },
        near,
    ))
}

/// The catalogue's sessions for an occupation, near a commune, in a period; the earliest
/// first.
#[utoipa::path(get, path = "/api/v1/trainings", tag = "trainings", params(TrainingSearch),
    responses((status = 200, body = TrainingPage), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn search_trainings(
    State(state): St,
    principal: Principal,
    QueryParams(search): QueryParams<TrainingSearch>,
) -> AppResult<Json<TrainingPage>> {
    principal
        .grant(Resource::Trainings, Verb::Read, None)
        .map_err(forbidden)?;
    let (query, near) = training_query(&search)?;
    let (total, sessions) = state.store.search_training_sessions(&query).await?;
    Ok(Json(TrainingPage {
        total,
        sessions: sessions.iter().map(|s| session_view(s, near)).collect(),
    }))
}

/// One session of the catalogue.
#[utoipa::path(get, path = "/api/v1/trainings/{id}", tag = "trainings",
    params(("id" = i64, Path, description = "The session's id")),
    responses((status = 200, body = TrainingSessionView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn get_training(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<TrainingSessionView>> {
    principal
        .grant(Resource::Trainings, Verb::Read, None)
        .map_err(forbidden)?;
    let session = state
        .store
        .training_session(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("training session {id}")))?;
    Ok(Json(session_view(&session, None)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutcomeParams {
    /// ROME code or words of an occupation's label.
    pub rome: Option<String>,
    /// A Formacode (five digits), instead of an occupation.
    pub formacode: Option<String>,
    /// Department code (93, 2A, 971).
    pub department: String,
}

/// What training leads to: the share of trainees in a job of at least a month within six
/// months of their training's end, for an occupation (or a Formacode) in a department, the
/// region's when the department has fewer than twenty trainees; `null` under twenty even
/// there. Counted once a day.
#[utoipa::path(get, path = "/api/v1/trainings/outcomes", tag = "trainings", params(OutcomeParams),
    responses((status = 200, body = TrainingOutcomeView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn training_outcomes(
    State(state): St,
    principal: Principal,
    QueryParams(params): QueryParams<OutcomeParams>,
) -> AppResult<Json<TrainingOutcomeView>> {
    principal
        .grant(Resource::Trainings, Verb::Read, None)
        .map_err(forbidden)?;
    let department = params.department.trim().to_ascii_uppercase();
    if refdata::geo().department(&department).is_none() {
        return Err(ApiError::field("?department", "no such department"));
    }
    let outcomes = outcomes(&state).await?;
    match (params.rome.as_deref(), params.formacode.as_deref()) {
        (Some(rome), None) => {
            let occupation = refdata::rome()
                .find(rome)
                .map_err(|err| ApiError::field("?rome", err.to_string()))?;
            Ok(Json(outcomes.of_occupation(occupation.code, &department)))
        }
        (None, Some(code)) if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Json(outcomes.of_formacode(code, &department)))
        }
        (None, Some(_)) => Err(ApiError::field("?formacode", "five digits")),
        _ => Err(ApiError::field(
            "?rome",
            "give an occupation or a Formacode, one of them",
        )),
    }
}

/// The outcomes of every plan, counted once a day.
pub(crate) async fn outcomes(state: &AppState) -> AppResult<Arc<Outcomes>> {
    let today = state.now().date_naive();
    let cached = state
        .training_outcomes
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .filter(|(day, _)| *day == today);
    if let Some((_, outcomes)) = cached {
        return Ok(outcomes);
    }
    // Plans whose six months can be over: proposed in the last two years.
    let since = today
        .checked_sub_months(chrono::Months::new(24))
        .unwrap_or(today)
        .and_hms_opt(0, 0, 0)
        .map_or(state.now(), |t| t.and_utc());
    let plans = state.store.training_plans_since(since).await?;
    // Each plan's session's main Formacode, from one read of the catalogue.
    let formacodes: std::collections::HashMap<i64, String> =
        if plans.iter().any(|p| p.plan.session_id.is_some()) {
            state
                .store
                .training_sessions()
                .await?
                .into_iter()
                .filter_map(|s| Some((s.id, s.record.formacodes.first()?.clone())))
                .collect()
        } else {
            std::collections::HashMap::new()
        };
    let counted = Arc::new(Outcomes::count(&plans, today, |id| {
        formacodes.get(&id).cloned()
    }));
    *state
        .training_outcomes
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some((today, counted.clone()));
    Ok(counted)
}
