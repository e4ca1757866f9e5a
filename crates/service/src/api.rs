//! The routes of `/api/v1`, each described for the OpenAPI document by its `#[utoipa::path]`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use engine::{Policy, ShortlistRequest};
use model::workflow::{self, Mover};
use model::{
    Disclosure, JobSeeker, NewAuditEvent, Offer, Referral, ReferralScope, ReferralState, TokenHash,
    TransitionRequest,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::access::{Fields, Principal, Reach, Resource, Verb};
use crate::auth;
use crate::error::{ApiError, ApiResult, FieldProblem, Problem};
use crate::json::JsonBody;

type AppResult<T> = ApiResult<T>;
type St = State<Arc<AppState>>;

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
        openapi.security = Some(vec![
            SecurityRequirement::new("token", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
}

fn api_router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(open_session, close_session))
        .routes(routes!(me))
        .routes(routes!(create_token))
        .routes(routes!(list_offers, push_offers))
        .routes(routes!(get_offer))
        .routes(routes!(shortlist))
        .routes(routes!(list_job_seekers))
        .routes(routes!(get_job_seeker))
        .routes(routes!(suggestions))
        .routes(routes!(access_history))
        .routes(routes!(list_referrals, propose))
        .routes(routes!(get_referral))
        .routes(routes!(move_referral))
        .routes(routes!(list_audit))
        .routes(routes!(verify_audit))
        .routes(routes!(list_users, create_user))
        .routes(routes!(indicators))
}

/// The OpenAPI document of the API, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = api_router().split_for_parts();
    api
}

pub fn routes(state: Arc<AppState>) -> axum::Router {
    let (api, document) = api_router().split_for_parts();
    let document = Arc::new(document);
    api.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let document = document.clone();
            async move { Json(document.as_ref().clone()) }
        }),
    )
    .route("/healthz", axum::routing::get(healthz))
    .route("/metrics", axum::routing::get(metrics))
    .route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::metrics::track,
    ))
    .fallback(|| async { ApiError::NotFound("no such route".to_string()) })
    .with_state(state)
}

// ---------------------------------------------------------------------------------------
// Views: what the API shows, decoupled from the stored records.

#[derive(Debug, Serialize, ToSchema)]
pub struct SeatView {
    /// advisor, recruiter, agency_manager, partner, steering, admin
    pub role: String,
    pub structure_id: i64,
    pub siret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub seats: Vec<SeatView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub user: UserView,
    /// Send it back in the x-csrf-token header of every POST, PUT, PATCH and DELETE.
    pub csrf_token: Option<String>,
}

fn user_view(principal: &Principal) -> UserView {
    UserView {
        id: principal.user.id,
        email: principal.user.email.as_str().to_string(),
        display_name: principal.user.display_name.clone(),
        seats: principal
            .seats
            .iter()
            .map(|s| SeatView {
                role: s.role.as_str().to_string(),
                structure_id: s.structure_id,
                siret: s.siret.clone(),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferView {
    pub id: i64,
    pub structure_siret: String,
    pub external_id: String,
    pub title: String,
    /// ROME 4.0 code.
    pub rome: String,
    /// INSEE code of the workplace's commune.
    pub commune: String,
    pub contract_type: String,
    pub positions: u16,
    pub accessible_th: bool,
    pub hard_to_fill: bool,
    pub status: String,
    pub starts_on: Option<NaiveDate>,
    pub published_at: DateTime<Utc>,
}

fn offer_view(offer: &Offer) -> OfferView {
    let r = &offer.record;
    OfferView {
        id: offer.id,
        structure_siret: r.structure_siret.as_str().to_string(),
        external_id: r.external_id.as_str().to_string(),
        title: r.title.clone(),
        rome: r.rome.as_str().to_string(),
        commune: r.commune.as_str().to_string(),
        contract_type: r.contract_type.as_str().to_string(),
        positions: r.positions,
        accessible_th: r.accessible_th,
        hard_to_fill: r.hard_to_fill,
        status: r.status.as_str().to_string(),
        starts_on: r.starts_on,
        published_at: r.published_at,
    }
}

/// Each component of a score, between 0 and 1.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reasons {
    pub occupation: f64,
    pub skills: f64,
    pub distance: f64,
    pub availability: f64,
    pub conditions: f64,
    pub experience: f64,
}

fn reasons(b: &engine::Breakdown) -> Reasons {
    Reasons {
        occupation: b.occupation,
        skills: b.skills,
        distance: b.distance,
        availability: b.availability,
        conditions: b.conditions,
        experience: b.experience,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Candidate {
    pub rank: usize,
    /// Pseudonymous: what a referral is proposed with.
    pub job_seeker_id: i64,
    pub pseudonym: String,
    pub score: f64,
    pub distance_km: f64,
    /// The person's target occupation that matched the offer's.
    pub matched_rome: String,
    /// same_code, same_code_other_title, proche, evolution, same_domain
    pub match_kind: String,
    pub reasons: Reasons,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShortlistView {
    pub offer_id: i64,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionView {
    pub rank: usize,
    pub offer: OfferView,
    pub score: f64,
    pub distance_km: f64,
    pub matched_rome: String,
    pub match_kind: String,
    pub reasons: Reasons,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityView {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A job seeker as the reader's rights show them: identity only from `Identity` on, priority
/// statuses the person chose to disclose from `Identity` on, every status only at `Full`.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobSeekerView {
    pub id: i64,
    pub pseudonym: String,
    /// pseudonymous, identity or full
    pub fields: String,
    pub identity: Option<IdentityView>,
    pub birth_date: Option<NaiveDate>,
    pub commune: String,
    /// ROME codes of the target occupations, in order of preference.
    pub targets: Vec<String>,
    pub available_from: Option<NaiveDate>,
    pub commute_limit_km: u16,
    pub priority_statuses: Vec<String>,
    /// all_agencies or department_agencies; none when not given.
    pub consent: Option<String>,
    pub agency_siret: Option<String>,
    pub status: String,
}

fn fields_name(fields: Fields) -> &'static str {
    match fields {
        Fields::Pseudonymous => "pseudonymous",
        Fields::Identity => "identity",
        Fields::Full => "full",
    }
}

fn job_seeker_view(seeker: &JobSeeker, fields: Fields) -> JobSeekerView {
    let r = &seeker.record;
    let statuses = r
        .priorities
        .iter()
        .filter(|(_, disclosure)| match fields {
            Fields::Full => true,
            Fields::Identity => **disclosure == Disclosure::Disclosed,
            Fields::Pseudonymous => false,
        })
        .map(|(status, _)| status.as_str().to_string())
        .collect();
    let shown = fields >= Fields::Identity;
    JobSeekerView {
        id: seeker.id,
        pseudonym: seeker.pseudonym.clone(),
        fields: fields_name(fields).to_string(),
        identity: shown.then(|| IdentityView {
            first_name: r.first_name.as_str().to_string(),
            last_name: r.last_name.as_str().to_string(),
            email: r.email.as_ref().map(|e| e.as_str().to_string()),
            phone: r.phone.as_ref().map(|p| p.as_str().to_string()),
        }),
        birth_date: if fields == Fields::Full {
            r.birth_date
        } else {
            None
        },
        commune: r.commune.as_str().to_string(),
        targets: r
            .targets
            .as_slice()
            .iter()
            .map(|t| t.rome.as_str().to_string())
            .collect(),
        available_from: r.available_from,
        commute_limit_km: r.commute_limit.km(),
        priority_statuses: statuses,
        consent: r.consent.map(|c| c.scope.as_str().to_string()),
        agency_siret: (fields == Fields::Full).then(|| r.agency_siret.as_str().to_string()),
        status: r.status.as_str().to_string(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralView {
    pub id: i64,
    pub offer_id: i64,
    pub job_seeker_id: i64,
    /// proposed, accepted, declined, interview, hired, not_hired, cancelled, expired
    pub state: String,
    pub proposed_by: Option<i64>,
    pub hire_starts_on: Option<NaiveDate>,
    pub not_hired_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn referral_view(r: &Referral) -> ReferralView {
    ReferralView {
        id: r.id,
        offer_id: r.offer_id,
        job_seeker_id: r.job_seeker_id,
        state: r.state.as_str().to_string(),
        proposed_by: r.proposed_by,
        hire_starts_on: r.hire_starts_on,
        not_hired_reason: r.not_hired_reason.clone(),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    pub from: Option<String>,
    pub to: String,
    pub by: Option<i64>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralDetail {
    pub referral: ReferralView,
    pub offer: OfferView,
    pub job_seeker: JobSeekerView,
    pub log: Vec<TransitionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<i64>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub hash: Option<String>,
}

fn audit_view(e: &model::AuditEvent) -> AuditEventView {
    AuditEventView {
        id: e.id,
        at: e.at,
        actor: e.event.actor,
        action: e.event.action.clone(),
        subject_kind: e.event.subject_kind.clone(),
        subject_id: e.event.subject_id,
        detail: e.event.detail.clone(),
        hash: e.hash.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// Helpers.

async fn audit(state: &AppState, events: Vec<NewAuditEvent>) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let n = events.len() as u64;
    state.store.append_audit_all(&events, state.now()).await?;
    state.metrics.audit_events.inc_by(n);
    Ok(())
}

fn event(
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

fn forbidden(reason: String) -> ApiError {
    ApiError::Forbidden(reason)
}

/// The structure (by SIRET) a listing is about: the one asked, or the user's only structure
/// where they hold the right.
async fn structure_for(
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
async fn listing(
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

async fn offer_and_owner(state: &AppState, id: i64) -> AppResult<(Offer, i64)> {
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

async fn job_seeker_and_agency(state: &AppState, id: i64) -> AppResult<(JobSeeker, i64)> {
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

/// States in which the job seeker has accepted: the agency may know who they are.
fn accepted(state: ReferralState) -> bool {
    matches!(
        state,
        ReferralState::Accepted
            | ReferralState::Interview
            | ReferralState::Hired
            | ReferralState::NotHired
    )
}

/// The fields of a job seeker this user may read, or why not: their own agency's advisors see
/// everything; an agency sees identity and disclosed statuses once the person accepted one of
/// its offers.
async fn job_seeker_fields(
    state: &AppState,
    principal: &Principal,
    seeker_id: i64,
    agency: i64,
) -> AppResult<Fields> {
    let grant = principal
        .grant(Resource::JobSeekers, Verb::Read, Some(agency))
        .map_err(forbidden)?;
    if grant.rule.reach != Reach::AcceptedReferral {
        return Ok(grant.rule.fields);
    }
    let referrals = state
        .store
        .referrals(ReferralScope::JobSeeker(seeker_id), 0, 1000)
        .await?;
    for referral in referrals.iter().filter(|r| accepted(r.state)) {
        let (_, owner) = offer_and_owner(state, referral.offer_id).await?;
        if principal
            .grants(Resource::JobSeekers, Verb::Read)
            .iter()
            .any(|g| g.rule.reach == Reach::AcceptedReferral && g.seat.structure_id == owner)
        {
            return Ok(grant.rule.fields);
        }
    }
    Err(forbidden(
        "this person has not accepted a referral to one of your offers: they are shown by \
         pseudonym only"
            .to_string(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct Page {
    /// Only records with an id above this one (the last id of the previous page).
    #[serde(default)]
    pub after: i64,
    /// At most this many records (1 to 500, default 50).
    pub limit: Option<u32>,
}

fn page_limit(limit: Option<u32>) -> AppResult<u32> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=500) => Ok(n),
        Some(n) => Err(ApiError::field("?limit", format!("{n}: between 1 and 500"))),
    }
}

// ---------------------------------------------------------------------------------------
// Sessions and tokens.

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// Signs in: sets the session cookie and gives the anti-forgery token.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = Credentials,
    security(),
    responses((status = 200, body = SessionView), (status = 401, body = Problem),
              (status = 429, body = Problem)))]
async fn open_session(
    State(state): St,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(credentials): JsonBody<Credentials>,
) -> AppResult<Response> {
    let now = state.now();
    let email_key = format!("email:{}", credentials.email.trim().to_lowercase());
    let keys = [format!("ip:{}", peer.ip()), email_key.clone()];
    state
        .throttle
        .check(&keys, now)
        .map_err(|retry_after_secs| ApiError::TooManyAttempts { retry_after_secs })?;
    let user = match domain::Email::parse(credentials.email.trim()) {
        Ok(email) => state.store.user_by_email(&email).await?,
        Err(_) => None,
    };
    let stored = user
        .as_ref()
        .filter(|u| u.status == model::UserStatus::Active)
        .and_then(|u| u.password_hash.clone());
    let password = credentials.password;
    let matches = tokio::task::spawn_blocking(move || {
        let hash = stored.as_deref().unwrap_or_else(|| auth::decoy_hash());
        auth::verify_password(hash, &password) && stored.is_some()
    })
    .await
    .map_err(|err| ApiError::Internal(format!("password check: {err}")))?;
    let Some(user) = user.filter(|_| matches) else {
        state.throttle.fail(&keys, now);
        tracing::warn!(peer = %peer.ip(), "failed sign-in");
        return Err(ApiError::Unauthenticated(
            "wrong email or password".to_string(),
        ));
    };
    state.throttle.forgive(&email_key);
    let secret = auth::new_secret()?;
    let csrf = auth::new_secret()?;
    let hours = state.config.session_hours;
    state
        .store
        .create_session(
            user.id,
            &TokenHash::of_token(&secret),
            &csrf,
            now + Duration::hours(hours),
            now,
        )
        .await?;
    let seats = crate::auth::seats_of(&state, user.id).await?;
    let principal = Principal {
        user,
        seats,
        csrf_token: Some(csrf),
    };
    audit(
        &state,
        vec![event(
            &principal,
            "session.open",
            "user",
            Some(principal.user.id),
            serde_json::json!({}),
        )],
    )
    .await?;
    let cookie = auth::session_cookie(&secret, hours * 3600, secure(&state, &headers));
    let mut response = Json(SessionView {
        user: user_view(&principal),
        csrf_token: principal.csrf_token.clone(),
    })
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Whether cookies must be `Secure`: when configured, or when a TLS-terminating proxy says the
/// browser came over HTTPS.
fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Signs out: ends the session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn close_session(
    State(state): St,
    principal: Principal,
    headers: HeaderMap,
) -> AppResult<Response> {
    let secret = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == auth::SESSION_COOKIE)
        .map(|(_, v)| v.to_string());
    if let Some(secret) = secret {
        state
            .store
            .delete_session(&TokenHash::of_token(&secret))
            .await?;
    }
    audit(
        &state,
        vec![event(
            &principal,
            "session.close",
            "user",
            Some(principal.user.id),
            serde_json::json!({}),
        )],
    )
    .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(value) = HeaderValue::from_str(&auth::cleared_cookie(secure(&state, &headers))) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Who is signed in, with their roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = SessionView), (status = 401, body = Problem)))]
async fn me(principal: Principal) -> Json<SessionView> {
    Json(SessionView {
        user: user_view(&principal),
        csrf_token: principal.csrf_token.clone(),
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    /// What the token is for (the applicant-tracking system's name).
    pub name: String,
    /// Days until it expires (1 to 366; default 90).
    pub expires_in_days: Option<u16>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    pub id: i64,
    pub name: String,
    /// Shown once: only its hash is kept.
    pub token: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates an API token for the signed-in user (for a machine client acting on their behalf).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "session", request_body = NewToken,
    responses((status = 201, body = TokenCreated), (status = 422, body = Problem)))]
async fn create_token(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<NewToken>,
) -> AppResult<(StatusCode, Json<TokenCreated>)> {
    let name = request.name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(ApiError::field("/name", "between 1 and 100 characters"));
    }
    let days = request.expires_in_days.unwrap_or(90);
    if !(1..=366).contains(&days) {
        return Err(ApiError::field("/expires_in_days", "between 1 and 366"));
    }
    let now = state.now();
    let secret = format!("pst_{}", auth::new_secret()?);
    let expires_at = now + Duration::days(i64::from(days));
    let token = state
        .store
        .create_api_token(
            principal.user.id,
            name,
            &TokenHash::of_token(&secret),
            Some(expires_at),
            now,
        )
        .await?;
    audit(
        &state,
        vec![event(
            &principal,
            "api_token.create",
            "api_token",
            Some(token.id),
            serde_json::json!({ "name": name }),
        )],
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            id: token.id,
            name: token.name,
            token: secret,
            expires_at: token.expires_at,
        }),
    ))
}

// ---------------------------------------------------------------------------------------
// Offers and shortlists.

#[derive(Debug, Deserialize, IntoParams)]
pub struct StructureQuery {
    /// SIRET of the structure (needed only when the user has several).
    pub structure: Option<String>,
}

/// The offers of a structure.
#[utoipa::path(get, path = "/api/v1/offers", tag = "offers", params(StructureQuery),
    responses((status = 200, body = Vec<OfferView>), (status = 403, body = Problem)))]
async fn list_offers(
    State(state): St,
    principal: Principal,
    Query(query): Query<StructureQuery>,
) -> AppResult<Json<Vec<OfferView>>> {
    let (structure, _) = listing(
        &state,
        &principal,
        Resource::Offers,
        Verb::Read,
        query.structure.as_deref(),
    )
    .await?;
    let offers = state.store.offers_of_structure(structure).await?;
    Ok(Json(offers.iter().map(offer_view).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// The offers written, in the order of the body.
    pub offers: Vec<OfferView>,
}

/// Creates or updates offers, in France Travail's *Offres d'emploi v2* JSON (an array of
/// offers, or an object with a `resultats` array): what applicant-tracking systems push. All
/// are written or none: any wrong field is a 422 naming it (`/0/lieuTravail/commune`).
#[utoipa::path(post, path = "/api/v1/offers", tag = "offers", params(StructureQuery),
    request_body(content = Object, description = "France Travail Offres d'emploi v2 JSON"),
    responses((status = 200, body = PushReport), (status = 403, body = Problem),
              (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn push_offers(
    State(state): St,
    principal: Principal,
    Query(query): Query<StructureQuery>,
    request: axum::extract::Request,
) -> AppResult<Json<PushReport>> {
    let (structure, _) = listing(
        &state,
        &principal,
        Resource::Offers,
        Verb::Write,
        query.structure.as_deref(),
    )
    .await?;
    let bytes = crate::json::read_body(request, &()).await?;
    let siret = state.structure_siret(structure).await?;
    let owner = domain::Siret::parse(&siret)
        .map_err(|err| ApiError::Internal(format!("stored SIRET: {err}")))?;
    let rows = exchange::offers_json::read(&bytes, Some(&owner))
        .map_err(|err| ApiError::field("", err.to_string()))?;
    let mut problems = Vec::new();
    let mut records = Vec::new();
    for row in rows {
        match row {
            Ok((position, record)) => {
                if record.structure_siret != owner {
                    problems.push(FieldProblem {
                        path: format!("/{}", position - 1),
                        message: format!(
                            "this offer belongs to {}, not to {siret}",
                            record.structure_siret.as_str()
                        ),
                    });
                } else {
                    records.push(record);
                }
            }
            Err(err) => problems.extend(err.errors.iter().map(|e| FieldProblem {
                path: format!("/{}/{}", err.position - 1, e.field.replace('.', "/")),
                message: e.reason.clone(),
            })),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    if records.is_empty() {
        return Err(ApiError::field("", "no offer in the body"));
    }
    let report = state.store.upsert_offers(&records, state.now()).await?;
    if let Some((position, reason)) = report.rejected.first() {
        return Err(ApiError::field(format!("/{position}"), reason.clone()));
    }
    let mut written = Vec::with_capacity(records.len());
    for record in &records {
        if let Some(offer) = state.store.offer(&owner, &record.external_id).await? {
            written.push(offer);
        }
    }
    {
        let mut sourcing = state.sourcing.write().unwrap_or_else(|e| e.into_inner());
        for offer in &written {
            if let Err(err) = sourcing.upsert_offer(offer.clone()) {
                tracing::warn!(offer = offer.id, %err, "offer left out of the engine");
            }
        }
    }
    audit(
        &state,
        vec![event(
            &principal,
            "offers.push",
            "structure",
            Some(structure),
            serde_json::json!({
                "created": report.created, "updated": report.updated,
                "unchanged": report.unchanged,
            }),
        )],
    )
    .await?;
    Ok(Json(PushReport {
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        offers: written.iter().map(offer_view).collect(),
    }))
}

/// One offer.
#[utoipa::path(get, path = "/api/v1/offers/{id}", tag = "offers",
    params(("id" = i64, Path, description = "offer id")),
    responses((status = 200, body = OfferView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn get_offer(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<OfferView>> {
    let (offer, owner) = offer_and_owner(&state, id).await?;
    principal
        .grant(Resource::Offers, Verb::Read, Some(owner))
        .map_err(forbidden)?;
    Ok(Json(offer_view(&offer)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ShortlistQuery {
    /// How many candidates (1 to 100, default 10).
    pub k: Option<usize>,
    /// Guarantee a priority public by FA*IR: `STATUS:P:ALPHA`, such as `rqth:0.1:0.1`. Who it
    /// moved is written to the audit trail, never shown.
    pub fair: Option<String>,
    /// Guarantee minimum shares of several priority publics: `rqth=0.1,long_term=0.3`.
    pub floors: Option<String>,
}

/// The best candidates for an offer, pseudonymous, with the reasons.
#[utoipa::path(get, path = "/api/v1/offers/{id}/shortlist", tag = "offers",
    params(("id" = i64, Path, description = "offer id"), ShortlistQuery),
    responses((status = 200, body = ShortlistView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn shortlist(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<ShortlistQuery>,
) -> AppResult<Json<ShortlistView>> {
    let k = query.k.unwrap_or(10);
    if !(1..=100).contains(&k) {
        return Err(ApiError::field("?k", format!("{k}: between 1 and 100")));
    }
    let owner = {
        let sourcing = state.sourcing.read().unwrap_or_else(|e| e.into_inner());
        sourcing
            .offers
            .get(&id)
            .map(|o| o.record.structure_siret.as_str().to_string())
    };
    let owner = match owner {
        Some(siret) => state.structure_id(&siret).await?,
        None => Some(offer_and_owner(&state, id).await?.1),
    };
    principal
        .grant(Resource::Shortlists, Verb::Read, owner)
        .map_err(forbidden)?;
    let policy = match (&query.fair, &query.floors) {
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "?floors",
                "give either fair or floors, not both",
            ));
        }
        (Some(text), None) => {
            Some(Policy::parse_fair(text, k).map_err(|e| ApiError::field("?fair", e))?)
        }
        (None, Some(text)) => {
            Some(Policy::parse_floors(text).map_err(|e| ApiError::field("?floors", e))?)
        }
        (None, None) => None,
    };
    let today = state.now().date_naive();
    let (view, adjustment) = {
        let sourcing = state.sourcing.read().unwrap_or_else(|e| e.into_inner());
        let shortlist = sourcing
            .engine
            .shortlist(
                id,
                &ShortlistRequest {
                    k,
                    today,
                    policy: policy.as_ref(),
                    exposure: false,
                },
            )
            .map_err(|err| ApiError::Conflict(format!("offer {id}: {err}")))?;
        (shortlist_view(&sourcing, &shortlist), shortlist.adjustment)
    };
    if let Some(adjustment) = adjustment {
        audit(
            &state,
            vec![event(
                &principal,
                "shortlist.rerank",
                "offer",
                Some(id),
                serde_json::to_value(&adjustment).unwrap_or_default(),
            )],
        )
        .await?;
    }
    Ok(Json(view))
}

fn shortlist_view(sourcing: &crate::Loaded, shortlist: &engine::Shortlist) -> ShortlistView {
    let id = shortlist.offer_id;
    let candidates = shortlist
        .entries
        .iter()
        .map(|e| Candidate {
            rank: e.rank,
            job_seeker_id: e.job_seeker_id,
            pseudonym: sourcing
                .pseudonyms
                .get(&e.job_seeker_id)
                .cloned()
                .unwrap_or_default(),
            score: e.score,
            distance_km: e.distance_km,
            matched_rome: e.matched_rome.to_string(),
            match_kind: match_kind(e.match_kind),
            reasons: reasons(&e.breakdown),
        })
        .collect();
    ShortlistView {
        offer_id: id,
        candidates,
    }
}

fn match_kind(kind: engine::MatchKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Job seekers.

/// The job seekers of an agency's portfolio (identity included: each read is audited).
#[utoipa::path(get, path = "/api/v1/job-seekers", tag = "job seekers",
    params(StructureQuery, Page),
    responses((status = 200, body = Vec<JobSeekerView>), (status = 403, body = Problem)))]
async fn list_job_seekers(
    State(state): St,
    principal: Principal,
    Query(structure): Query<StructureQuery>,
    Query(page): Query<Page>,
) -> AppResult<Json<Vec<JobSeekerView>>> {
    let limit = page_limit(page.limit)?;
    let (agency, rule) = listing(
        &state,
        &principal,
        Resource::JobSeekers,
        Verb::Read,
        structure.structure.as_deref(),
    )
    .await?;
    if rule.reach == Reach::AcceptedReferral {
        return Err(forbidden(
            "agencies see a job seeker through an accepted referral, not as a list".to_string(),
        ));
    }
    let seekers = state
        .store
        .job_seekers_of_agency(agency, page.after, limit)
        .await?;
    let fields = rule.fields;
    audit(
        &state,
        seekers
            .iter()
            .map(|s| {
                event(
                    &principal,
                    "job_seeker.read",
                    "job_seeker",
                    Some(s.id),
                    serde_json::json!({ "fields": fields_name(fields), "via": "list" }),
                )
            })
            .collect(),
    )
    .await?;
    Ok(Json(
        seekers.iter().map(|s| job_seeker_view(s, fields)).collect(),
    ))
}

/// One job seeker, as the reader's rights show them (audited).
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}", tag = "job seekers",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 200, body = JobSeekerView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn get_job_seeker(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<JobSeekerView>> {
    let (seeker, agency) = job_seeker_and_agency(&state, id).await?;
    let fields = job_seeker_fields(&state, &principal, id, agency).await?;
    audit(
        &state,
        vec![event(
            &principal,
            "job_seeker.read",
            "job_seeker",
            Some(id),
            serde_json::json!({ "fields": fields_name(fields) }),
        )],
    )
    .await?;
    Ok(Json(job_seeker_view(&seeker, fields)))
}

/// The open offers that suit a job seeker best, with the reasons.
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/suggestions", tag = "job seekers",
    params(("id" = i64, Path, description = "job seeker id"), ShortlistQuery),
    responses((status = 200, body = Vec<SuggestionView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn suggestions(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<ShortlistQuery>,
) -> AppResult<Json<Vec<SuggestionView>>> {
    let k = query.k.unwrap_or(10);
    if !(1..=100).contains(&k) {
        return Err(ApiError::field("?k", format!("{k}: between 1 and 100")));
    }
    let (_, agency) = job_seeker_and_agency(&state, id).await?;
    principal
        .grant(Resource::Suggestions, Verb::Read, Some(agency))
        .map_err(forbidden)?;
    let today = state.now().date_naive();
    let views = {
        let sourcing = state.sourcing.read().unwrap_or_else(|e| e.into_inner());
        let suggested = sourcing
            .engine
            .suggest(id, k, today)
            .map_err(|err| ApiError::Conflict(format!("job seeker {id}: {err}")))?;
        suggested
            .iter()
            .filter_map(|s| {
                let offer = sourcing.offers.get(&s.offer_id)?;
                Some(SuggestionView {
                    rank: s.rank,
                    offer: offer_view(offer),
                    score: s.score,
                    distance_km: s.distance_km,
                    matched_rome: s.matched_rome.to_string(),
                    match_kind: match_kind(s.match_kind),
                    reasons: reasons(&s.breakdown),
                })
            })
            .collect::<Vec<_>>()
    };
    audit(
        &state,
        vec![event(
            &principal,
            "job_seeker.suggest",
            "job_seeker",
            Some(id),
            serde_json::json!({ "k": k, "offers": views.iter().map(|v| v.offer.id).collect::<Vec<_>>() }),
        )],
    )
    .await?;
    Ok(Json(views))
}

/// Who accessed a job seeker's data, when and how: the person's own access history, to hand
/// over on request (GDPR art. 15).
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/access-history", tag = "job seekers",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 200, body = Vec<AuditEventView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn access_history(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<AuditEventView>>> {
    let (_, agency) = job_seeker_and_agency(&state, id).await?;
    principal
        .grant(Resource::AccessHistory, Verb::Read, Some(agency))
        .map_err(forbidden)?;
    audit(
        &state,
        vec![event(
            &principal,
            "job_seeker.access_history",
            "job_seeker",
            Some(id),
            serde_json::json!({}),
        )],
    )
    .await?;
    let events = state.store.audit_events_about("job_seeker", id).await?;
    Ok(Json(events.iter().map(audit_view).collect()))
}

// ---------------------------------------------------------------------------------------
// Referrals.

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewReferral {
    pub offer_id: i64,
    /// From a shortlist (`job_seeker_id` of a candidate).
    pub job_seeker_id: i64,
}

/// Whether this user may act on a referral (read or write), through the offer's structure or
/// the job seeker's agency; the grant's role is who moves it.
async fn referral_grant(
    state: &AppState,
    principal: &Principal,
    verb: Verb,
    referral: &Referral,
) -> AppResult<(model::Role, Fields)> {
    let (_, owner) = offer_and_owner(state, referral.offer_id).await?;
    let (_, agency) = job_seeker_and_agency(state, referral.job_seeker_id).await?;
    let via_offer = principal.grant(Resource::Referrals, verb, Some(owner));
    let via_agency = principal.grant(Resource::Referrals, verb, Some(agency));
    match (via_offer, via_agency) {
        (_, Ok(g)) if g.rule.reach == Reach::Any || g.seat.structure_id == agency => {
            Ok((g.rule.role, g.rule.fields))
        }
        (Ok(g), _) if g.rule.reach == Reach::Any || g.seat.structure_id == owner => {
            Ok((g.rule.role, g.rule.fields))
        }
        (Err(e), _) | (_, Err(e)) => Err(forbidden(e)),
        _ => Err(forbidden(
            "this referral concerns neither your offers nor your job seekers".to_string(),
        )),
    }
}

/// Proposes a job seeker for an offer: a recruiter from the offer's shortlist, or the person's
/// advisor.
#[utoipa::path(post, path = "/api/v1/referrals", tag = "referrals", request_body = NewReferral,
    responses((status = 201, body = ReferralView), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn propose(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<NewReferral>,
) -> AppResult<(StatusCode, Json<ReferralView>)> {
    let Ok((offer, owner)) = offer_and_owner(&state, request.offer_id).await else {
        return Err(ApiError::field(
            "/offer_id",
            format!("no offer {}", request.offer_id),
        ));
    };
    let Ok((seeker, agency)) = job_seeker_and_agency(&state, request.job_seeker_id).await else {
        return Err(ApiError::field(
            "/job_seeker_id",
            format!("no job seeker {}", request.job_seeker_id),
        ));
    };
    let allowed = [owner, agency].iter().any(|s| {
        principal
            .grant(Resource::Referrals, Verb::Write, Some(*s))
            .is_ok_and(|g| g.rule.reach == Reach::Any || g.seat.structure_id == *s)
    });
    if !allowed {
        return Err(forbidden(
            principal
                .grant(Resource::Referrals, Verb::Write, Some(owner))
                .err()
                .unwrap_or_else(|| {
                    "you may propose only for your own offers or your own job seekers".to_string()
                }),
        ));
    }
    if offer.record.status != model::OfferStatus::Open {
        return Err(ApiError::field("/offer_id", "the offer is not open"));
    }
    if seeker.record.consent.is_none() {
        return Err(ApiError::field(
            "/job_seeker_id",
            "this person has not consented to be proposed to agencies",
        ));
    }
    if seeker.record.status != model::JobSeekerStatus::Active {
        return Err(ApiError::field(
            "/job_seeker_id",
            "this person is not an active job seeker",
        ));
    }
    let proposed = event(
        &principal,
        "referral.propose",
        "referral",
        None,
        serde_json::json!({ "offer": offer.id, "job_seeker": seeker.id }),
    );
    let referral = state
        .store
        .create_referral(
            seeker.id,
            offer.id,
            Some(principal.user.id),
            Some(&proposed),
            state.now(),
        )
        .await
        .map_err(|err| match err {
            store::StoreError::Conflict(_) => ApiError::Conflict(
                "this person has already been proposed for this offer".to_string(),
            ),
            other => other.into(),
        })?;
    state.metrics.referral_moves.inc();
    state.metrics.audit_events.inc();
    Ok((StatusCode::CREATED, Json(referral_view(&referral))))
}

/// The referrals of the user's structure: of its offers (agencies) or of its job seekers
/// (France Travail agencies).
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals",
    params(StructureQuery, Page),
    responses((status = 200, body = Vec<ReferralView>), (status = 403, body = Problem)))]
async fn list_referrals(
    State(state): St,
    principal: Principal,
    Query(structure): Query<StructureQuery>,
    Query(page): Query<Page>,
) -> AppResult<Json<Vec<ReferralView>>> {
    let limit = page_limit(page.limit)?;
    let (id, rule) = listing(
        &state,
        &principal,
        Resource::Referrals,
        Verb::Read,
        structure.structure.as_deref(),
    )
    .await?;
    let scope = if rule.role == model::Role::Advisor {
        ReferralScope::JobSeekerAgency(id)
    } else {
        ReferralScope::OfferOwner(id)
    };
    let referrals = state.store.referrals(scope, page.after, limit).await?;
    Ok(Json(referrals.iter().map(referral_view).collect()))
}

/// One referral with its log; the job seeker shown by identity once they accepted (audited).
#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals",
    params(("id" = i64, Path, description = "referral id")),
    responses((status = 200, body = ReferralDetail), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn get_referral(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<ReferralDetail>> {
    let referral = state
        .store
        .referral(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("referral {id}")))?;
    let (_, rule_fields) = referral_grant(&state, &principal, Verb::Read, &referral).await?;
    let fields = if rule_fields == Fields::Full || accepted(referral.state) {
        rule_fields
    } else {
        Fields::Pseudonymous
    };
    let (offer, _) = offer_and_owner(&state, referral.offer_id).await?;
    let (seeker, _) = job_seeker_and_agency(&state, referral.job_seeker_id).await?;
    let log = state.store.referral_log(id).await?;
    if fields > Fields::Pseudonymous {
        audit(
            &state,
            vec![event(
                &principal,
                "job_seeker.read",
                "job_seeker",
                Some(seeker.id),
                serde_json::json!({ "fields": fields_name(fields), "via": "referral", "referral": id }),
            )],
        )
        .await?;
    }
    Ok(Json(ReferralDetail {
        referral: referral_view(&referral),
        offer: offer_view(&offer),
        job_seeker: job_seeker_view(&seeker, fields),
        log: log
            .iter()
            .map(|t| TransitionView {
                from: t.from.map(|s| s.as_str().to_string()),
                to: t.to.as_str().to_string(),
                by: t.by,
                note: t.note.clone(),
                at: t.at,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveRequest {
    /// The state to move to.
    pub to: String,
    /// The state the client saw: refused (409) if the referral moved meanwhile. Default: the
    /// current state.
    pub from: Option<String>,
    /// For `hired`: the start date.
    pub hire_starts_on: Option<NaiveDate>,
    /// For `not_hired`: profile_mismatch, candidate_withdrew, position_filled, no_show,
    /// offer_cancelled, other.
    pub not_hired_reason: Option<String>,
    pub note: Option<String>,
}

fn parse_state(text: &str, path: &str) -> AppResult<ReferralState> {
    ReferralState::parse(text).ok_or_else(|| {
        let known: Vec<&str> = ReferralState::ALL.iter().map(|s| s.as_str()).collect();
        ApiError::field(
            path,
            format!(
                "unknown state `{text}`, expected one of {}",
                known.join(", ")
            ),
        )
    })
}

/// Moves a referral along the workflow; a move not allowed from its state, or not by this
/// role, is refused (422 / 403), as is one missing what it needs.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/transitions", tag = "referrals",
    params(("id" = i64, Path, description = "referral id")), request_body = MoveRequest,
    responses((status = 200, body = ReferralView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
async fn move_referral(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<MoveRequest>,
) -> AppResult<Json<ReferralView>> {
    let referral = state
        .store
        .referral(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("referral {id}")))?;
    let (role, _) = referral_grant(&state, &principal, Verb::Write, &referral).await?;
    let to = parse_state(&request.to, "/to")?;
    let from = match &request.from {
        Some(text) => parse_state(text, "/from")?,
        None => referral.state,
    };
    if from != referral.state {
        return Err(ApiError::Conflict(format!(
            "referral {id} is {}, not {from}",
            referral.state
        )));
    }
    let reason = request.not_hired_reason.as_deref();
    workflow::check(from, to, Mover::User(role), request.hire_starts_on, reason).map_err(
        |err| match err {
            workflow::MoveError::NotYours { .. } => ApiError::Forbidden(err.to_string()),
            workflow::MoveError::NotAllowed { .. } => ApiError::field("/to", err.to_string()),
            workflow::MoveError::StartDateMissing => {
                ApiError::field("/hire_starts_on", err.to_string())
            }
            workflow::MoveError::ReasonMissing => {
                ApiError::field("/not_hired_reason", err.to_string())
            }
        },
    )?;
    if request.hire_starts_on.is_some() && to != ReferralState::Hired {
        return Err(ApiError::field("/hire_starts_on", "only for a hire"));
    }
    if request.not_hired_reason.is_some() && to != ReferralState::NotHired {
        return Err(ApiError::field("/not_hired_reason", "only when not hired"));
    }
    let audited = event(
        &principal,
        "referral.move",
        "referral",
        Some(id),
        serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "as": role.as_str() }),
    );
    let moved = state
        .store
        .transition_referral(
            &TransitionRequest {
                referral_id: id,
                from,
                to,
                by: Some(principal.user.id),
                note: request.note.clone(),
                hire_starts_on: request.hire_starts_on,
                not_hired_reason: request.not_hired_reason.clone(),
            },
            Some(&audited),
            state.now(),
        )
        .await?;
    state.metrics.referral_moves.inc();
    state.metrics.audit_events.inc();
    Ok(Json(referral_view(&moved)))
}

/// Expires the referrals left without a move for `days` days at `now`; returns how many.
pub async fn expire_referrals(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let days = state.config.expiry_days;
    let idle = state
        .store
        .referrals_idle_since(now - Duration::days(i64::from(days)))
        .await?;
    let mut expired = 0;
    for referral in idle {
        if !workflow::has_expired(referral.state, referral.updated_at, now, days) {
            continue;
        }
        if workflow::check(
            referral.state,
            ReferralState::Expired,
            Mover::System,
            None,
            None,
        )
        .is_err()
        {
            continue;
        }
        let audited = NewAuditEvent {
            actor: None,
            action: "referral.expire".to_string(),
            subject_kind: "referral".to_string(),
            subject_id: Some(referral.id),
            detail: serde_json::json!({ "from": referral.state.as_str(), "days": days }),
        };
        let moved = state
            .store
            .transition_referral(
                &TransitionRequest {
                    referral_id: referral.id,
                    from: referral.state,
                    to: ReferralState::Expired,
                    by: None,
                    note: Some(format!("no move for {days} days")),
                    hire_starts_on: None,
                    not_hired_reason: None,
                },
                Some(&audited),
                now,
            )
            .await;
        match moved {
            Ok(_) => {
                expired += 1;
                state.metrics.referral_moves.inc();
                state.metrics.audit_events.inc();
            }
            // Moved by someone meanwhile: not idle any more.
            Err(store::StoreError::Conflict(_)) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(expired)
}

/// Runs [`expire_referrals`] now and then every `expiry_every`.
pub async fn expiry_loop(state: Arc<AppState>) {
    let mut ticker = tokio::time::interval(state.config.expiry_every);
    loop {
        ticker.tick().await;
        match expire_referrals(&state, state.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "referrals expired"),
            Err(err) => tracing::error!(error = %err, "referral expiry failed"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Audit trail, accounts, indicators.

/// The audit trail, oldest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(Page),
    responses((status = 200, body = Vec<AuditEventView>), (status = 403, body = Problem)))]
async fn list_audit(
    State(state): St,
    principal: Principal,
    Query(page): Query<Page>,
) -> AppResult<Json<Vec<AuditEventView>>> {
    principal
        .grant(Resource::AuditTrail, Verb::Read, None)
        .map_err(forbidden)?;
    let limit = page_limit(page.limit)?;
    let events = state.store.audit_events(page.after, limit).await?;
    Ok(Json(events.iter().map(audit_view).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChainReport {
    pub valid: bool,
    /// Events in the hash chain.
    pub sealed: u64,
    /// Events from before the chain existed.
    pub before_chain: u64,
    /// The newest event's hash: keep it elsewhere to detect the removal of later events.
    pub head: Option<String>,
    /// The first event that does not hold, and why.
    pub error: Option<String>,
}

/// Walks the audit trail's hash chain and reports the first event that does not hold.
pub async fn verify_chain(store: &dyn store::Store) -> anyhow::Result<ChainReport> {
    let mut verifier = model::audit::Verifier::default();
    let mut after = 0;
    loop {
        let events = store.audit_events(after, 5_000).await?;
        let Some(last) = events.last() else { break };
        after = last.id;
        for e in &events {
            if let Err(err) = verifier.feed(e) {
                return Ok(ChainReport {
                    valid: false,
                    sealed: 0,
                    before_chain: 0,
                    head: None,
                    error: Some(err.to_string()),
                });
            }
        }
    }
    let summary = verifier.finish();
    Ok(ChainReport {
        valid: true,
        sealed: summary.sealed,
        before_chain: summary.before_chain,
        head: Some(summary.head),
        error: None,
    })
}

/// Verifies the audit trail's hash chain.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = ChainReport), (status = 403, body = Problem)))]
async fn verify_audit(State(state): St, principal: Principal) -> AppResult<Json<ChainReport>> {
    principal
        .grant(Resource::AuditTrail, Verb::Read, None)
        .map_err(forbidden)?;
    Ok(Json(verify_chain(state.store.as_ref()).await?))
}

/// Every account with its roles.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = Vec<UserView>), (status = 403, body = Problem)))]
async fn list_users(State(state): St, principal: Principal) -> AppResult<Json<Vec<UserView>>> {
    principal
        .grant(Resource::Accounts, Verb::Read, None)
        .map_err(forbidden)?;
    let users = state.store.users().await?;
    let mut views = Vec::with_capacity(users.len());
    for (user, memberships) in users {
        let mut seats = Vec::new();
        for m in memberships {
            seats.push(SeatView {
                role: m.role.as_str().to_string(),
                structure_id: m.structure_id,
                siret: state.structure_siret(m.structure_id).await?,
            });
        }
        views.push(UserView {
            id: user.id,
            email: user.email.as_str().to_string(),
            display_name: user.display_name,
            seats,
        });
    }
    Ok(Json(views))
}

#[derive(Deserialize, ToSchema)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    /// At least 12 characters.
    pub password: String,
    /// advisor, recruiter, agency_manager, partner, steering, admin
    pub role: String,
    /// SIRET of the structure the role is held in.
    pub structure: String,
}

/// Creates an account with one role in one structure.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewAccount,
    responses((status = 201, body = UserView), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_user(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<NewAccount>,
) -> AppResult<(StatusCode, Json<UserView>)> {
    principal
        .grant(Resource::Accounts, Verb::Write, None)
        .map_err(forbidden)?;
    let mut problems = Vec::new();
    let mut problem = |path: &str, message: String| {
        problems.push(FieldProblem {
            path: path.to_string(),
            message,
        })
    };
    let email = domain::Email::parse(request.email.trim())
        .map_err(|e| problem("/email", e.to_string()))
        .ok();
    if request.display_name.trim().is_empty() {
        problem("/display_name", "empty".to_string());
    }
    if request.password.chars().count() < 12 {
        problem("/password", "at least 12 characters".to_string());
    }
    let role = model::Role::parse(&request.role);
    if role.is_none() {
        problem(
            "/role",
            format!(
                "unknown role `{}`, expected one of {}",
                request.role,
                model::Role::ALL
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let structure = state.structure_id(request.structure.trim()).await?;
    if structure.is_none() {
        problem(
            "/structure",
            format!("no structure has SIRET {}", request.structure),
        );
    }
    let (Some(email), Some(role), Some(structure)) = (email, role, structure) else {
        return Err(ApiError::Invalid(problems));
    };
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    let password = request.password;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|err| ApiError::Internal(format!("hashing: {err}")))??;
    let now = state.now();
    let user = state
        .store
        .create_user(
            &model::NewUser {
                email,
                display_name: request.display_name.trim().to_string(),
                password_hash: Some(hash),
            },
            now,
        )
        .await
        .map_err(|err| match err {
            store::StoreError::Conflict(_) => {
                ApiError::Conflict("an account with this email exists".to_string())
            }
            other => other.into(),
        })?;
    state
        .store
        .set_membership(user.id, structure, role, now)
        .await?;
    audit(
        &state,
        vec![event(
            &principal,
            "account.create",
            "user",
            Some(user.id),
            serde_json::json!({ "role": role.as_str(), "structure": structure }),
        )],
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(UserView {
            id: user.id,
            email: user.email.as_str().to_string(),
            display_name: user.display_name,
            seats: vec![SeatView {
                role: role.as_str().to_string(),
                structure_id: structure,
                siret: state.structure_siret(structure).await?,
            }],
        }),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentFigures {
    pub department: String,
    pub open_offers: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Indicators {
    /// Open offers in the engine, by department of the workplace.
    pub departments: Vec<DepartmentFigures>,
    /// Referrals by state (of the manager's agency, or all).
    pub referrals: std::collections::BTreeMap<String, u64>,
}

/// Aggregated figures, no nominative data: open offers by department and referrals by state.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", params(StructureQuery),
    responses((status = 200, body = Indicators), (status = 403, body = Problem)))]
async fn indicators(
    State(state): St,
    principal: Principal,
    Query(query): Query<StructureQuery>,
) -> AppResult<Json<Indicators>> {
    let any = principal
        .grants(Resource::Indicators, Verb::Read)
        .iter()
        .any(|g| g.rule.reach == Reach::Any);
    let scope = if any && query.structure.is_none() {
        ReferralScope::All
    } else {
        let (id, _) = listing(
            &state,
            &principal,
            Resource::Indicators,
            Verb::Read,
            query.structure.as_deref(),
        )
        .await?;
        ReferralScope::OfferOwner(id)
    };
    let departments = {
        let sourcing = state.sourcing.read().unwrap_or_else(|e| e.into_inner());
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for id in sourcing.engine.open_offers(None) {
            if let Some(d) = sourcing.engine.offer_department(id) {
                *counts.entry(d.to_string()).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .map(|(department, open_offers)| DepartmentFigures {
                department,
                open_offers,
            })
            .collect()
    };
    let mut referrals = std::collections::BTreeMap::new();
    let mut after = 0;
    loop {
        let page = state.store.referrals(scope, after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for r in &page {
            *referrals
                .entry(r.state.as_str().to_string())
                .or_insert(0u64) += 1;
        }
    }
    Ok(Json(Indicators {
        departments,
        referrals,
    }))
}

// ---------------------------------------------------------------------------------------
// Operations.

async fn healthz(State(state): St) -> Response {
    match state.store.structure(0).await {
        Ok(_) => Json(serde_json::json!({
            "status": "ok",
            "database": state.store.backend().as_str(),
        }))
        .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): St) -> Response {
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
