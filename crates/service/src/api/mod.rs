//! The routes of `/api/v1`, each described for the OpenAPI document by its `#[utoipa::path]`,
//! gathered from each feature's `api.rs`; the helpers every handler shares are here.

pub(crate) mod gathering;
mod reach;
pub(crate) mod session;
pub(crate) mod views;

pub use crate::admin::api::{ChainReport, verify_chain};
pub use crate::referrals::api::{expire_referrals, expiry_loop};
pub(crate) use reach::*;
pub(crate) use views::*;

pub(crate) use crate::actions::api as actions;
pub(crate) use crate::actions::invitations;
pub(crate) use crate::actions::outcomes;
pub(crate) use crate::admin::api as admin;
pub(crate) use crate::directory::api as directory;
pub(crate) use crate::duos::api as duos;
pub(crate) use crate::duos::mentors;
pub(crate) use crate::indicators::api as indicators;
pub(crate) use crate::job_seekers::api as job_seekers;
pub(crate) use crate::meetings::api as meetings;
pub(crate) use crate::offers::api as offers;
pub(crate) use crate::policies::api as policies;
pub(crate) use crate::referrals::api as referrals;
pub(crate) use crate::training_plans::api as training_plans;

pub(crate) use std::net::SocketAddr;
pub(crate) use std::sync::Arc;

pub(crate) use axum::Json;
pub(crate) use axum::extract::{ConnectInfo, State};
pub(crate) use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
pub(crate) use axum::response::{IntoResponse, Response};
pub(crate) use chrono::{DateTime, Duration, NaiveDate, Utc};
pub(crate) use engine::ShortlistRequest;
pub(crate) use model::workflow::{self, Mover};
pub(crate) use model::{
    Disclosure, JobSeeker, NewAuditEvent, Offer, Referral, ReferralScope, ReferralState, TokenHash,
    TransitionRequest,
};
pub(crate) use serde::{Deserialize, Serialize};
pub(crate) use serde_json::json;
pub(crate) use utoipa::{IntoParams, OpenApi, ToSchema};
pub(crate) use utoipa_axum::router::OpenApiRouter;
pub(crate) use utoipa_axum::routes;

pub(crate) use crate::AppState;
pub(crate) use crate::access::{Fields, Principal, Reach, Resource, Verb};
pub(crate) use crate::auth;
pub(crate) use crate::error::{ApiError, ApiResult, FieldProblem, Problem};
pub(crate) use crate::json::{JsonBody, Path, QueryParams};

pub(crate) type AppResult<T> = ApiResult<T>;
pub(crate) type St = State<Arc<AppState>>;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Passerelle API",
        description = "France Travail and the agences d'emploi working together: offers, \
                       shortlists, referrals, audit trail. Authenticate with a session cookie \
                       (POST /api/v1/session; unsafe requests then carry x-csrf-token) or an \
                       API token (Authorization: Bearer).",
        license(name = "MIT")
    ),
    modifiers(&Security),
    components(schemas(Problem, FieldProblem))
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder};
        use utoipa::openapi::security::{SecurityRequirement, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(auth::SESSION_COOKIE))),
        );
        // The person's own space: a job seeker's session, opened with a one-time pass
        // (`/api/v1/person/session`), for the `person` operations only.
        components.add_security_scheme(
            "person",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::person::PERSON_COOKIE,
            ))),
        );
        openapi.security = Some(vec![
            SecurityRequirement::new("token", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
}

fn api_router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(session::open_session, session::close_session))
        .routes(routes!(session::me))
        .routes(routes!(session::create_token, session::list_tokens))
        .routes(routes!(session::revoke_token))
        .routes(routes!(offers::list_offers, offers::push_offers))
        .routes(routes!(offers::get_offer))
        .routes(routes!(offers::dashboard))
        .routes(routes!(crate::tension::api::official))
        .routes(routes!(crate::tension::api::local))
        .routes(routes!(crate::trainings::api::search_trainings))
        .routes(routes!(crate::trainings::api::training_outcomes))
        .routes(routes!(crate::trainings::api::get_training))
        .routes(routes!(crate::reconversion::api::reconversion))
        .routes(routes!(crate::reconversion::api::schemes))
        .routes(routes!(offers::shortlist))
        .routes(routes!(crate::difficulty::api::offer_difficulty))
        .routes(routes!(
            job_seekers::list_job_seekers,
            job_seekers::push_job_seekers
        ))
        .routes(routes!(job_seekers::get_job_seeker))
        .routes(routes!(job_seekers::suggestions))
        .routes(routes!(job_seekers::access_history))
        .routes(routes!(referrals::list_referrals, referrals::propose))
        .routes(routes!(referrals::get_referral))
        .routes(routes!(referrals::move_referral))
        .routes(routes!(referrals::offer_referrals))
        .routes(routes!(referrals::job_seeker_referrals))
        .routes(routes!(admin::list_audit))
        .routes(routes!(admin::verify_audit))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(admin::search_structures))
        .routes(routes!(indicators::indicators))
        .routes(routes!(indicators::registry))
        .routes(routes!(indicators::indicator_table))
        .routes(routes!(indicators::steering_report))
        .routes(routes!(indicators::export))
        .routes(routes!(directory::search_services))
        .routes(routes!(directory::confirm_service))
        .merge(crate::directory::edits::routes())
        .routes(routes!(actions::list_actions, actions::create_action))
        .routes(routes!(actions::candidate_offers))
        .routes(routes!(actions::get_action))
        .routes(routes!(actions::move_action))
        .routes(routes!(
            invitations::draw_invitations,
            invitations::action_invitations
        ))
        .routes(routes!(invitations::agency_invitations))
        .routes(routes!(invitations::move_invitation))
        .routes(routes!(outcomes::participants))
        .routes(routes!(outcomes::record_attendance))
        .routes(routes!(outcomes::close_attendance))
        .routes(routes!(outcomes::record_outcome))
        .routes(routes!(outcomes::action_funnel))
        .routes(routes!(outcomes::funnel))
        .routes(routes!(outcomes::attendance_sheet))
        .routes(routes!(mentors::list_mentors, mentors::create_mentor))
        .routes(routes!(mentors::get_mentor))
        .routes(routes!(mentors::withdraw_mentor))
        .routes(routes!(mentors::mentor_suggestions))
        .routes(routes!(duos::list_duos, duos::propose_duo))
        .routes(routes!(duos::draw_duo))
        .routes(routes!(crate::duos::figures::duo_counts))
        .routes(routes!(crate::duos::figures::duo_evaluation))
        .routes(routes!(duos::duo_candidates))
        .routes(routes!(duos::get_duo))
        .routes(routes!(duos::move_duo))
        .routes(routes!(duos::log_contact, duos::list_contacts))
        .routes(routes!(duos::record_outcome, duos::list_outcomes))
        .routes(routes!(
            training_plans::list_plans,
            training_plans::propose_plan
        ))
        .routes(routes!(crate::training_plans::figures::plan_counts))
        .routes(routes!(training_plans::get_plan))
        .routes(routes!(training_plans::move_plan))
        .routes(routes!(training_plans::offer_plans))
        .routes(routes!(meetings::list_meetings, meetings::create_meeting))
        .routes(routes!(meetings::register, meetings::list_registrations))
        .routes(routes!(meetings::record_attendance))
        .routes(routes!(meetings::cancel_registration))
        .routes(routes!(meetings::close_attendance))
        .routes(routes!(meetings::attendance_due))
        .routes(routes!(policies::list_policies, policies::set_policy))
        .routes(routes!(policies::simulate_policy))
        .routes(routes!(crate::retention::api::retention_table))
        .routes(routes!(crate::retention::api::run_sweep))
        .routes(routes!(crate::retention::api::list_erasure_requests))
        .routes(routes!(crate::retention::api::process_erasure))
        .routes(routes!(crate::retention::api::file_erasure))
        .routes(routes!(job_seekers::search_portfolio))
        .routes(routes!(
            job_seekers::consent_history,
            job_seekers::record_consent
        ))
        .routes(routes!(crate::evaluations::api::kinds))
        .routes(routes!(
            crate::evaluations::api::list,
            crate::evaluations::api::create
        ))
        .routes(routes!(crate::evaluations::api::delete))
        .routes(routes!(crate::person::api::issue_code))
        .routes(routes!(crate::person::api::request_link))
        .routes(routes!(
            crate::person::api::open_session,
            crate::person::api::close_session
        ))
        .routes(routes!(crate::person::api::proposals))
        .routes(routes!(crate::person::api::answer_referral))
        .routes(routes!(crate::person::api::answer_invitation))
        .routes(routes!(crate::person::duos::answer_duo))
        .routes(routes!(
            crate::person::api::get_consent,
            crate::person::api::set_consent
        ))
        .routes(routes!(crate::person::data::access_history))
        .routes(routes!(crate::person::data::download))
        .routes(routes!(crate::person::api::request_erasure))
        .routes(routes!(crate::person::api::request_rectification))
        .merge(crate::staff::api::routes())
}

/// The OpenAPI document of the API, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = api_router().split_for_parts();
    common_responses(&mut api);
    api
}

/// The answers every operation may give besides its own, documented once: 401 without a
/// session or token (every operation but signing in), 403 when the role may not, 422 for a
/// wrong parameter, path id or body, 413 for a body over the limit. Each is a `Problem`.
fn common_responses(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let anonymous = operation.security.as_ref().is_some_and(|requirements| {
                requirements.iter().all(|r| {
                    serde_json::to_value(r)
                        .is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
                })
            });
            let has_input = operation.parameters.as_ref().is_some_and(|p| !p.is_empty())
                || operation.request_body.is_some();
            let responses = &mut operation.responses.responses;
            if !anonymous {
                responses
                    .entry("401".to_string())
                    .or_insert_with(|| problem("No session or API token, or an expired one"));
                responses
                    .entry("403".to_string())
                    .or_insert_with(|| problem("Your role may not do this"));
            }
            if has_input {
                responses.entry("422".to_string()).or_insert_with(|| {
                    problem("A wrong parameter, path id or body: each wrong field named")
                });
            }
            if operation.request_body.is_some() {
                responses
                    .entry("413".to_string())
                    .or_insert_with(|| problem("The body is over the size limit"));
            }
        }
    }
}

pub fn routes() -> axum::Router<Arc<AppState>> {
    let (api, mut document) = api_router().split_for_parts();
    common_responses(&mut document);
    let document = Arc::new(document);
    api.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let document = document.clone();
            async move { Json(document.as_ref().clone()) }
        }),
    )
    .route("/healthz", axum::routing::get(healthz))
}

// ---------------------------------------------------------------------------------------
// Helpers.

/// A structure's name; empty when there is no structure `id`.
pub(crate) async fn structure_name(state: &AppState, id: i64) -> AppResult<String> {
    Ok(state
        .store
        .structure(id)
        .await?
        .map(|s| s.record.name)
        .unwrap_or_default())
}

pub(crate) async fn audit(state: &AppState, events: Vec<NewAuditEvent>) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let n = events.len() as u64;
    state.store.append_audit_all(&events, state.now()).await?;
    state.metrics.audit_events.inc_by(n);
    Ok(())
}

/// Writes to the audit trail a read of each person's record, each with the same `detail`
/// (what showed them).
pub(crate) async fn audit_reads(
    state: &AppState,
    principal: &Principal,
    people: impl IntoIterator<Item = i64>,
    detail: serde_json::Value,
) -> AppResult<()> {
    let events = people
        .into_iter()
        .map(|person| principal.event("job_seeker.read", "job_seeker", person, detail.clone()))
        .collect();
    audit(state, events).await
}

impl AppState {
    /// Appends one event to the audit trail.
    pub(crate) async fn audit_one(&self, event: NewAuditEvent) -> AppResult<()> {
        audit(self, vec![event]).await
    }
}

impl Principal {
    /// This user's audit event about one record (`kind`, `id`).
    pub(crate) fn event(
        &self,
        action: &str,
        kind: &str,
        id: i64,
        detail: serde_json::Value,
    ) -> NewAuditEvent {
        event(self, action, kind, Some(id), detail)
    }
}

/// Who acts, as the audit trail records it: a signed-in user, or a job seeker in their own
/// space (no account: the event names no user and says it was the person).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Actor {
    User(i64),
    Person(i64),
}

impl Actor {
    pub(crate) fn event(
        self,
        action: &str,
        kind: &str,
        id: i64,
        detail: serde_json::Value,
    ) -> NewAuditEvent {
        match self {
            Actor::User(user) => NewAuditEvent {
                actor: Some(user),
                action: action.to_string(),
                subject_kind: kind.to_string(),
                subject_id: Some(id),
                detail,
            },
            Actor::Person(person) => {
                let mut detail = detail;
                if let Some(map) = detail.as_object_mut() {
                    map.insert("by_person".to_string(), json!(person));
                }
                NewAuditEvent {
                    actor: None,
                    action: action.to_string(),
                    subject_kind: kind.to_string(),
                    subject_id: Some(id),
                    detail,
                }
            }
        }
    }

    /// The account to record as the author of a move or a consent (none for the person).
    pub(crate) fn user(self) -> Option<i64> {
        match self {
            Actor::User(user) => Some(user),
            Actor::Person(_) => None,
        }
    }
}

impl Principal {
    pub(crate) fn actor(&self) -> Actor {
        Actor::User(self.user.id)
    }
}

pub(crate) fn event(
    actor: &Principal,
    action: &str,
    kind: &str,
    id: Option<i64>,
    detail: serde_json::Value,
) -> NewAuditEvent {
    NewAuditEvent {
        actor: Some(actor.user.id),
        action: action.to_string(),
        subject_kind: kind.to_string(),
        subject_id: id,
        detail,
    }
}

/// The problem of a one-line text field (`model::text`'s limits), if any.
pub(crate) fn line_field(path: &str, text: Option<&str>, max: usize) -> Option<FieldProblem> {
    text.and_then(|t| model::text::line_problem(t, max))
        .map(|message| FieldProblem {
            path: path.to_string(),
            message,
        })
}

/// The problem of a text field of several lines, if any.
pub(crate) fn paragraph_field(path: &str, text: Option<&str>, max: usize) -> Option<FieldProblem> {
    text.and_then(|t| model::text::paragraph_problem(t, max))
        .map(|message| FieldProblem {
            path: path.to_string(),
            message,
        })
}

/// The problem of a date field (its year), if any.
pub(crate) fn date_field(path: &str, date: Option<NaiveDate>) -> Option<FieldProblem> {
    date.and_then(model::text::date_problem)
        .map(|message| FieldProblem {
            path: path.to_string(),
            message,
        })
}

/// A move's reason, trimmed (none when blank); the problem of `/reason` when the move `needs`
/// one and it is not one of `reasons`.
pub(crate) fn move_reason<'a>(
    given: Option<&'a str>,
    needs: bool,
    reasons: &[&str],
) -> AppResult<Option<&'a str>> {
    let reason = given.map(str::trim).filter(|r| !r.is_empty());
    if needs && !reason.is_some_and(|r| reasons.contains(&r)) {
        return Err(ApiError::field(
            "/reason",
            format!("one of {}", reasons.join(", ")),
        ));
    }
    Ok(reason)
}

/// A record the user reaches through a side of it (a duo, a training plan), and that side:
/// the role's right on `resource` is asked first, then the store `finds` it, and an unknown
/// id is refused like another's record (`not_a_side`): nobody lists them all, so ids tell
/// nothing.
pub(crate) async fn record_and_side<R, S>(
    principal: &Principal,
    resource: Resource,
    verb: Verb,
    finds: impl std::future::Future<Output = Result<Option<R>, store::StoreError>>,
    side_of: impl FnOnce(&R) -> AppResult<S>,
    not_a_side: &str,
) -> AppResult<(R, S)> {
    principal.grant(resource, verb, None).map_err(forbidden)?;
    match finds.await? {
        Some(record) => {
            let side = side_of(&record)?;
            Ok((record, side))
        }
        None => Err(forbidden(not_a_side.to_string())),
    }
}

pub(crate) fn forbidden(reason: String) -> ApiError {
    ApiError::Forbidden(reason)
}

/// The structure (by SIRET) a listing is about: the one asked, or the user's only structure
/// where they hold the right.
pub(crate) async fn structure_for(
    state: &AppState,
    principal: &Principal,
    resource: Resource,
    verb: Verb,
    asked: Option<&str>,
) -> AppResult<i64> {
    if let Some(siret) = asked {
        return state.structure_id(siret).await?.ok_or_else(|| {
            ApiError::field("?structure", format!("no structure has SIRET {siret}"))
        });
    }
    let grants = principal.grants(resource, verb);
    let mut own: Vec<i64> = grants
        .iter()
        .filter(|g| g.rule.reach == Reach::Own)
        .map(|g| g.seat.structure_id)
        .collect();
    own.dedup();
    match own.as_slice() {
        [one] => Ok(*one),
        [] if grants.is_empty() => Err(forbidden(
            principal
                .grant(resource, verb, None)
                .err()
                .unwrap_or_default(),
        )),
        _ => Err(ApiError::field(
            "?structure",
            "required: the SIRET of the structure to list",
        )),
    }
}

/// The structure a listing is about ([`structure_for`]) and the rule that lets the user list it.
pub(crate) async fn listing(
    state: &AppState,
    principal: &Principal,
    resource: Resource,
    verb: Verb,
    asked: Option<&str>,
) -> AppResult<(i64, &'static crate::access::Rule)> {
    let id = structure_for(state, principal, resource, verb, asked).await?;
    let grant = principal
        .grant(resource, verb, Some(id))
        .map_err(forbidden)?;
    Ok((id, grant.rule))
}

pub(crate) async fn offer_and_owner(state: &AppState, id: i64) -> AppResult<(Offer, i64)> {
    let offer = state
        .store
        .offer_by_id(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("offer {id}")))?;
    let owner = state
        .structure_id(offer.record.structure_siret.as_str())
        .await?
        .ok_or_else(|| ApiError::Internal(format!("offer {id} has no owner")))?;
    Ok((offer, owner))
}

pub(crate) async fn job_seeker_and_agency(
    state: &AppState,
    id: i64,
) -> AppResult<(JobSeeker, i64)> {
    let seeker = state
        .store
        .job_seeker_by_id(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("job seeker {id}")))?;
    let agency = state
        .structure_id(seeker.record.agency_siret.as_str())
        .await?
        .ok_or_else(|| ApiError::Internal(format!("job seeker {id} has no agency")))?;
    Ok((seeker, agency))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Only records with an id above this one (the last id of the previous page).
    #[serde(default)]
    pub after: i64,
    /// At most this many records (1 to 500, default 50).
    pub limit: Option<u32>,
}

/// The deepest an offset-paged listing reaches: past it, narrow the search.
pub(crate) const MAX_OFFSET: u64 = 1_000_000;

/// Paging by offset, for the listings the database searches and sorts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OffsetPage {
    /// How many to skip (0 to 1,000,000).
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: Option<u64>,
    /// At most this many (1 to 500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

impl OffsetPage {
    /// The page of `PER_PAGE` records numbered `page` (from 1).
    pub(crate) fn number(page: usize, per_page: usize) -> Self {
        OffsetPage {
            offset: Some(((page.max(1) - 1) * per_page) as u64),
            limit: Some(u32::try_from(per_page).unwrap_or(u32::MAX)),
        }
    }

    /// The offset and the limit, checked.
    pub(crate) fn checked(&self) -> AppResult<(u64, u32)> {
        Ok((page_offset(self.offset)?, page_limit(self.limit)?))
    }
}

/// `?offset`, checked: at most [`MAX_OFFSET`].
pub(crate) fn page_offset(offset: Option<u64>) -> AppResult<u64> {
    match offset.unwrap_or(0) {
        n if n > MAX_OFFSET => Err(ApiError::field(
            "?offset",
            format!("{n}: at most {MAX_OFFSET}"),
        )),
        n => Ok(n),
    }
}

/// The words of a search's `?q`, folded (case and accents), at most `most` of them.
pub(crate) fn search_words(q: Option<&str>, most: usize) -> AppResult<Vec<String>> {
    let q = q.unwrap_or("");
    if let Some(problem) = crate::limits::search_problem(q) {
        return Err(ApiError::field("?q", problem));
    }
    Ok(refdata::text::normalise(q)
        .split_whitespace()
        .take(most)
        .map(str::to_string)
        .collect())
}

pub(crate) fn page_limit(limit: Option<u32>) -> AppResult<u32> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=500) => Ok(n),
        Some(n) => Err(ApiError::field("?limit", format!("{n}: between 1 and 500"))),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StructureQuery {
    /// SIRET of the structure (needed only when the user has several).
    pub structure: Option<String>,
}

impl StructureQuery {
    /// The structure this query is about and the rule that lets the user list it
    /// ([`listing`]).
    pub(crate) async fn listing(
        &self,
        state: &AppState,
        principal: &Principal,
        resource: Resource,
        verb: Verb,
    ) -> AppResult<(i64, &'static crate::access::Rule)> {
        listing(state, principal, resource, verb, self.structure.as_deref()).await
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ShortlistQuery {
    /// How many: for a shortlist, the first k of its twenty people by score (1 to 20, default
    /// 20); for suggestions, 1 to 100 (default 10).
    pub k: Option<usize>,
}

pub(crate) fn match_kind(kind: engine::MatchKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Operations.

async fn healthz(State(state): St) -> Response {
    match state.store.structure(0).await {
        Ok(_) => Json(json!({
            "status": "ok",
            "database": state.store.backend().as_str(),
        }))
        .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

/// `/metrics`: on the public router, or alone on `Config::metrics_bind` (`metrics_router`).
pub(crate) async fn metrics(State(state): St, headers: HeaderMap) -> Response {
    if let Some(wanted) = &state.config.metrics_token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| TokenHash::of_token(t.trim()));
        if !presented.is_some_and(|p| {
            auth::constant_time_eq(p.as_str().as_bytes(), wanted.as_str().as_bytes())
        }) {
            return ApiError::Unauthenticated(
                "/metrics needs its bearer token (metrics_token)".to_string(),
            )
            .into_response();
        }
    }
    {
        let sourcing = state.sourcing.read().unwrap_or_else(|e| e.into_inner());
        state
            .metrics
            .job_seekers
            .set(i64::try_from(sourcing.engine.job_seeker_count()).unwrap_or(i64::MAX));
        state
            .metrics
            .open_offers
            .set(i64::try_from(sourcing.offers.len()).unwrap_or(i64::MAX));
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}
