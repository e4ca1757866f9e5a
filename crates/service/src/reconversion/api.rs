//! A person's reconversion paths over HTTP, for their own France Travail agency: the targets
//! ranked and explained, the sessions within reach with the schemes that fund them, the
//! outcomes of training for each target, and where the simple rule of earlier systems
//! parts from the paths. Every read is in the audit trail.

use super::{Context, Difference, LinkKind, Paths, Strength};
use crate::api::*;
use crate::trainings::api::{CodeLabel, rome_label};
use crate::trainings::{Gauge, TrainingOutcomeView};

#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    pub from: String,
    pub from_label: String,
    pub to: String,
    pub to_label: String,
    /// close, progression, derived
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionNearView {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub city: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub hours: Option<u32>,
    pub distance_km: f64,
    /// The schemes that would fund it for the person without an offer (a POEI needs one:
    /// see the offer's page), by code.
    pub schemes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScorePartsView {
    pub link: f64,
    pub tension: f64,
    pub skills: f64,
    pub offers: f64,
    pub training: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetView {
    pub rome: String,
    pub label: String,
    pub route: Vec<StepView>,
    /// close, progression, derived: the route's widest gap.
    pub kind: String,
    pub shared_skills: Vec<CodeLabel>,
    pub missing_skills: Vec<CodeLabel>,
    /// Official tension class (1 to 5) in the person's department or above.
    pub official_class: Option<u8>,
    /// Passerelle's offers of the last twelve months per ten job seekers in the department;
    /// withheld under twenty of either.
    pub offers_per_10_seekers: Option<f64>,
    /// At least 1.5 times the person's current occupation's.
    pub better_than_current: bool,
    pub offers_within_reach: u32,
    pub sessions: Vec<SessionNearView>,
    /// What training for it led to, in the department or the region.
    pub outcome: TrainingOutcomeView,
    pub score: f64,
    pub parts: ScorePartsView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DifferenceView {
    pub rome: String,
    pub label: String,
    pub in_paths: bool,
    pub in_simple_rule: bool,
    /// step_up_or_two_steps, ratio_below, no_local_figure, not_recruiting, ranked_lower
    pub why: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReconversionView {
    pub job_seeker_id: i64,
    pub months_searching: u32,
    /// on_request (under 6 months), suggested (6), recommended (9), strongly_recommended (12)
    pub strength: String,
    pub targets: Vec<TargetView>,
    /// The rule of earlier systems: close occupations whose offers per job seeker is at
    /// least 1.5 times the current one's, the five best.
    pub simple_rule: Vec<CodeLabel>,
    pub differences: Vec<DifferenceView>,
}

fn kind_name(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Close => "close",
        LinkKind::Progression => "progression",
        LinkKind::Derived => "derived",
    }
}

pub(crate) fn strength_name(strength: Strength) -> &'static str {
    match strength {
        Strength::OnRequest => "on_request",
        Strength::Suggested => "suggested",
        Strength::Recommended => "recommended",
        Strength::StronglyRecommended => "strongly_recommended",
    }
}

fn skills(codes: &[&'static str]) -> Vec<CodeLabel> {
    let rome = refdata::rome();
    codes
        .iter()
        .map(|code| CodeLabel {
            code: (*code).to_string(),
            label: rome
                .skill(code)
                .map_or_else(String::new, |s| s.label.to_string()),
        })
        .collect()
}

/// The region gathered for the paths, again when older than an hour.
pub(crate) async fn context(state: &AppState) -> AppResult<Arc<Context>> {
    let now = state.now();
    let mut cached = state.reconversion_context.lock().await;
    if let Some((built, context)) = cached.as_ref()
        && now.signed_duration_since(*built).num_minutes() < super::CONTEXT_MINUTES
        && built.date_naive() == now.date_naive()
    {
        return Ok(context.clone());
    }
    let context = Arc::new(super::load(state.store.as_ref(), now.date_naive()).await?);
    *cached = Some((now, context.clone()));
    Ok(context)
}

/// The paths of one person, as the view shows them.
pub(crate) async fn reconversion_of(
    state: &AppState,
    seeker: &JobSeeker,
) -> AppResult<ReconversionView> {
    let context = context(state).await?;
    let person = super::path_person(&seeker.record).ok_or_else(|| {
        ApiError::Internal(format!(
            "job seeker {}'s commune is not one Passerelle places",
            seeker.id
        ))
    })?;
    let paths: Paths = super::paths(&person, &context);
    let simple = super::simple_rule(&person, &context);
    let differences: Vec<Difference> = super::compare(&person, &context, &paths);
    let outcomes = crate::trainings::api::outcomes(state).await?;
    let today = state.now().date_naive();
    let settings = model::schemes::SchemeSettings::default();
    let targets = paths
        .targets
        .iter()
        .map(|t| TargetView {
            rome: t.rome.to_string(),
            label: t.label.to_string(),
            route: t
                .route
                .iter()
                .map(|s| StepView {
                    from: s.from.to_string(),
                    from_label: rome_label(s.from),
                    to: s.to.to_string(),
                    to_label: rome_label(s.to),
                    kind: kind_name(s.kind).to_string(),
                })
                .collect(),
            kind: kind_name(t.kind).to_string(),
            shared_skills: skills(&t.shared_skills),
            missing_skills: skills(&t.missing_skills),
            official_class: t.official_class,
            offers_per_10_seekers: t.local.offers_per_10_seekers,
            better_than_current: t.local.better_than_current,
            offers_within_reach: t.offers_within_reach,
            sessions: t
                .sessions
                .iter()
                .map(|s| SessionNearView {
                    id: s.id,
                    title: s.title.clone(),
                    body: s.body.clone(),
                    city: s.city.clone(),
                    starts_on: s.starts_on,
                    ends_on: s.ends_on,
                    hours: s.hours,
                    distance_km: (s.distance_km * 10.0).round() / 10.0,
                    schemes: super::funding::funding(
                        &settings,
                        &seeker.record,
                        None,
                        &s.record,
                        today,
                    )
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|v| v.eligible)
                    .map(|v| v.scheme.to_string())
                    .collect(),
                })
                .collect(),
            outcome: outcomes.of_occupation(t.rome, person.department),
            score: (t.score * 1000.0).round() / 1000.0,
            parts: ScorePartsView {
                link: t.parts.link,
                tension: t.parts.tension,
                skills: t.parts.skills,
                offers: t.parts.offers,
                training: t.parts.training,
            },
        })
        .collect();
    Ok(ReconversionView {
        job_seeker_id: seeker.id,
        months_searching: paths.months_searching,
        strength: strength_name(paths.strength).to_string(),
        targets,
        simple_rule: simple
            .iter()
            .map(|code| CodeLabel {
                code: (*code).to_string(),
                label: rome_label(code),
            })
            .collect(),
        differences: differences
            .iter()
            .map(|d| DifferenceView {
                rome: d.rome.to_string(),
                label: rome_label(d.rome),
                in_paths: d.in_paths,
                in_simple_rule: d.in_simple_rule,
                why: d.why.to_string(),
            })
            .collect(),
    })
}

const NOT_YOURS: &str =
    "a person's reconversion paths and training schemes are for their own France Travail agency";

/// A person the user's agency follows, or why not; the read (or the refusal) audited, with
/// what it was read for (`through`: the paths, or the schemes of one session).
pub(crate) async fn followed_person(
    state: &AppState,
    principal: &Principal,
    id: i64,
    through: &'static str,
) -> AppResult<JobSeeker> {
    principal
        .grant(Resource::Reconversion, Verb::Read, None)
        .map_err(forbidden)?;
    let (seeker, agency) = person_to_read(state, principal, id).await?;
    if principal
        .grant(Resource::Reconversion, Verb::Read, Some(agency))
        .is_err()
    {
        return Err(refused(
            state,
            principal,
            id,
            "job_seeker.reconversion",
            NOT_YOURS.to_string(),
        )
        .await);
    }
    audit(
        state,
        vec![principal.event(
            "job_seeker.read",
            "job_seeker",
            id,
            json!({ "through": through }),
        )],
    )
    .await?;
    Ok(seeker)
}

/// The reconversion paths of one of the agency's job seekers: occupations within one or two
/// mobility links that recruit near them, ranked and explained (route, skills shared and
/// missing, official and local tension, open offers within reach, sessions nearby with the
/// schemes that fund them, what training led to), and where the simple rule of earlier
/// systems differs.
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/reconversion", tag = "reconversion",
    params(("id" = i64, Path, description = "The job seeker's id")),
    responses((status = 200, body = ReconversionView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn reconversion(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<ReconversionView>> {
    let seeker = followed_person(&state, &principal, id, "reconversion").await?;
    Ok(Json(reconversion_of(&state, &seeker).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SchemesParams {
    /// The training session's id.
    pub session: i64,
    /// The offer the training prepares for, if any.
    pub offer: Option<i64>,
}

/// Which schemes fund a session for one of the agency's job seekers (and an offer), with
/// their reasons, or for each other one the rule it fails.
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/schemes", tag = "reconversion",
    params(("id" = i64, Path, description = "The job seeker's id"), SchemesParams),
    responses((status = 200, body = [super::funding::SchemeView]), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn schemes(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    QueryParams(params): QueryParams<SchemesParams>,
) -> AppResult<Json<Vec<super::funding::SchemeView>>> {
    let seeker = followed_person(&state, &principal, id, "schemes").await?;
    let session = state
        .store
        .training_session(params.session)
        .await?
        .ok_or_else(|| ApiError::field("?session", "no such session in the catalogue"))?;
    let offer = match params.offer {
        Some(offer) => Some(
            state
                .store
                .offer_by_id(offer)
                .await?
                .ok_or_else(|| ApiError::field("?offer", "no such offer"))?,
        ),
        None => None,
    };
    let views = super::funding::funding(
        &model::schemes::SchemeSettings::default(),
        &seeker.record,
        offer.as_ref().map(|o| &o.record),
        &session.record,
        state.now().date_naive(),
    )
    .ok_or_else(|| {
        ApiError::field(
            "?session",
            "the session's first and last days are not known: no scheme can be checked",
        )
    })?;
    Ok(Json(views))
}

/// A gauge's words, for the pages.
pub(crate) fn gauge_label(gauge: Option<Gauge>) -> &'static str {
    gauge.map_or("secret statistique", Gauge::label)
}
