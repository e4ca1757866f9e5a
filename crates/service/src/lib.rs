//! Passerelle's HTTP service: the JSON API under `/api/v1` (described by the OpenAPI document
//! it serves at `/api/v1/openapi.json`), accounts and roles ([`access`]), sessions and API
//! tokens ([`auth`]), the referral workflow (`model::workflow`), the audit trail, `/healthz`
//! and Prometheus `/metrics`.
//!
//! One [`AppState`] per process holds the store and the sourcing engine, built at start and
//! kept up to date on every write that concerns it.

pub mod access;
pub mod actions;
pub mod admin;
mod api;
pub mod auth;
pub mod difficulty;
pub mod directory;
pub mod duos;
pub mod error;
pub mod evaluations;
pub mod indicators;
pub mod job_seekers;
mod json;
pub mod limits;
pub mod meetings;
pub mod metrics;
pub mod offers;
pub mod outbox;
pub mod pages;
pub mod person;
pub mod policies;
pub mod reconversion;
pub mod referrals;
pub mod retention;
pub mod sourcing;
pub mod staff;
pub mod tension;
pub mod training_plans;
pub mod trainings;

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Duration, Utc};
use engine::ScoringConfig;
use model::NewAuditEvent;
use store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::{CsrfLayer, ProtectionError};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use crate::offers::api::{MAX_OFFERS_PER_REQUEST, SHORTLIST_LENGTH, neutral_order};
pub use api::{ChainReport, expire_referrals, openapi, verify_chain};
pub use sourcing::Loaded;

/// The largest request body accepted (offers pushed by API come in batches).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// How the service behaves; [`Config::default`] is what `passerelle serve` starts with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Days without a move after which an open referral expires.
    pub expiry_days: u32,
    /// How often the expiry sweep runs.
    pub expiry_every: std::time::Duration,
    /// How often the engine takes in what was written by others (other instances, imports).
    pub refresh_every: std::time::Duration,
    /// How long the engine waits at most, for a notification, before it reads the change log
    /// (consent and disclosures changed on any instance: `store::changes`).
    pub changes_every: std::time::Duration,
    /// Mark cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// How long a session lasts.
    pub session_hours: i64,
    /// How failed sign-ins are counted and paced (see `auth::ThrottleLimits`).
    pub login_limits: auth::ThrottleLimits,
    pub scoring: ScoringConfig,
    /// The DSFR's `dist` folder (from the npm package `@gouvfr/dsfr`), served under
    /// `/static/<version>/dsfr/` (`pages::assets`); `None`: the pages are served without their
    /// design system's files.
    pub assets_dir: Option<std::path::PathBuf>,
    /// The hash of the bearer token `/metrics` asks for; `None`: open (a listener only the
    /// monitoring reaches).
    pub metrics_token: Option<model::TokenHash>,
    /// Where `/metrics` is served on its own (`serve` binds it beside the public address);
    /// `None`: on the public address, with everything else.
    pub metrics_bind: Option<std::net::SocketAddr>,
    /// The region served (its INSEE code, `11` for Île-de-France): priority policies are set
    /// for it and its departments.
    pub region: String,
    /// Where the outbox's messages go.
    pub delivery: outbox::Delivery,
    /// The sender of the outbox's messages.
    pub mail_from: String,
    /// How often reminders are queued and the outbox delivered.
    pub outbox_every: std::time::Duration,
    /// How long a client may take to send a request's headers before its connection is
    /// closed (a client holding connections open, its headers sent a byte at a time).
    pub header_read_timeout: std::time::Duration,
    /// The address people reach the service at (the links sent by e-mail start with it).
    pub public_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            expiry_days: 30,
            expiry_every: std::time::Duration::from_secs(3600),
            refresh_every: std::time::Duration::from_secs(30),
            changes_every: std::time::Duration::from_millis(500),
            secure_cookies: false,
            session_hours: 12,
            login_limits: auth::ThrottleLimits::default(),
            scoring: ScoringConfig::default(),
            assets_dir: pages::default_assets_dir(),
            metrics_token: None,
            metrics_bind: None,
            region: "11".to_string(),
            delivery: outbox::Delivery::Off,
            mail_from: "Passerelle <ne-pas-repondre@passerelle.localhost>".to_string(),
            outbox_every: std::time::Duration::from_secs(60),
            header_read_timeout: std::time::Duration::from_secs(10),
            public_url: "http://127.0.0.1:8080".to_string(),
        }
    }
}

/// What every request shares.
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub sourcing: RwLock<Loaded>,
    pub config: Config,
    pub throttle: auth::Throttle,
    pub metrics: metrics::Metrics,
    /// When the engine's build began: the first refresh takes in what was written since.
    pub built_at: DateTime<Utc>,
    /// SIRET of each structure, by id (structures change rarely; read once, then on demand).
    sirets: RwLock<std::collections::HashMap<i64, String>>,
    /// Shortlists served since the last flush, by (owner, department, month): (shortlists,
    /// candidates). Counted in memory, added to the store every `refresh_every` and at stop.
    shortlist_counts: std::sync::Mutex<ShortlistCounts>,
    /// What the priority policy changed in the shortlists served since the last flush, one
    /// event per (reader, offer, change) with how many times it was served: appended to the
    /// audit trail in one batch every `refresh_every`, before an audit read, and at stop (one
    /// write per served list would bound the service by the audit's serialised appends).
    rerank_events: std::sync::Mutex<RerankEvents>,
    /// A batch of rerank events is being written in the background.
    rerank_flushing: std::sync::atomic::AtomicBool,
    /// The steering page's measure of exposure, by scope, reused for a few minutes.
    pub(crate) exposure_cache:
        std::sync::Mutex<std::collections::HashMap<String, indicators::Measured>>,
    /// Every priority policy ever set (a few rows): read at start, on each refresh tick and
    /// after a change through this instance.
    pub(crate) policies: RwLock<Vec<model::policy::PriorityPolicy>>,
    /// Engine policies built from a stored rule, by (policy id, list length): FA*IR's table
    /// takes a moment to compute.
    pub(crate) policy_cache:
        std::sync::Mutex<std::collections::HashMap<(Option<i64>, usize), engine::Policy>>,
    /// The duos pilot's evaluation (it reads the whole region's job seekers): computed once a
    /// day, at its first read.
    pub(crate) duo_evaluation:
        std::sync::Mutex<Option<(chrono::NaiveDate, Arc<duos::evaluation::EvaluationView>)>>,
    /// The outcomes of training (every plan's), counted once a day at their first read.
    pub(crate) training_outcomes:
        std::sync::Mutex<Option<(chrono::NaiveDate, Arc<trainings::Outcomes>)>>,
    /// What the reconversion paths read of the region, gathered again when older than
    /// [`reconversion::CONTEXT_MINUTES`].
    pub(crate) reconversion_context:
        tokio::sync::Mutex<Option<(DateTime<Utc>, Arc<reconversion::Context>)>>,
    /// The difficulty model in force, parsed once per version.
    difficulty: RwLock<Option<Arc<difficulty::Loaded>>>,
    /// The open offers at risk by occupation and department, counted again when the model
    /// changes or after a few minutes.
    risk_cells: RwLock<Option<Arc<difficulty::RiskCells>>>,
    clock: Box<dyn Fn() -> DateTime<Utc> + Send + Sync>,
}

impl AppState {
    /// Builds the state: reads the structures and builds the sourcing engine from the store.
    #[allow(clippy::disallowed_methods)] // the service is an edge: it reads the clock
    pub async fn new(store: Arc<dyn Store>, config: Config) -> anyhow::Result<Self> {
        Self::with_clock(store, config, Box::new(Utc::now)).await
    }

    /// As [`AppState::new`], with the clock given (tests move time forward).
    pub async fn with_clock(
        store: Arc<dyn Store>,
        config: Config,
        clock: Box<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    ) -> anyhow::Result<Self> {
        let built_at = clock();
        let loaded = sourcing::load(store.as_ref(), config.scoring, true, &mut || {}).await?;
        let sirets = store
            .structures()
            .await?
            .into_iter()
            .map(|s| (s.id, s.record.siret.as_str().to_string()))
            .collect();
        let policies = store.priority_policies().await?;
        Ok(Self {
            policies: RwLock::new(policies),
            policy_cache: std::sync::Mutex::new(std::collections::HashMap::new()),
            store,
            sourcing: RwLock::new(loaded),
            throttle: auth::Throttle::new(config.login_limits),
            config,
            metrics: metrics::Metrics::new(),
            sirets: RwLock::new(sirets),
            exposure_cache: std::sync::Mutex::new(std::collections::HashMap::new()),
            duo_evaluation: std::sync::Mutex::new(None),
            training_outcomes: std::sync::Mutex::new(None),
            reconversion_context: tokio::sync::Mutex::new(None),
            shortlist_counts: std::sync::Mutex::new(ShortlistCounts::new()),
            rerank_events: std::sync::Mutex::new(RerankEvents::new()),
            rerank_flushing: std::sync::atomic::AtomicBool::new(false),
            built_at,
            difficulty: RwLock::new(None),
            risk_cells: RwLock::new(None),
            clock,
        })
    }

    /// The open offers by occupation and department, declared hard to fill and at risk under
    /// the model in force (if any). Counted again after five minutes or when the model changes.
    pub(crate) async fn risk_cells(&self) -> Result<Arc<difficulty::RiskCells>, error::ApiError> {
        let model = self.difficulty_model().await?;
        let now = self.now();
        let cached = self
            .risk_cells
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(cells) = cached
            && cells.model == model.as_ref().map(|m| m.id)
            && now - cells.at < chrono::Duration::minutes(5)
        {
            return Ok(cells);
        }
        let cells = {
            let sourcing = self.sourcing.read().unwrap_or_else(|e| e.into_inner());
            Arc::new(difficulty::RiskCells::count(
                model.as_deref(),
                sourcing.offers.values(),
                now,
            ))
        };
        *self.risk_cells.write().unwrap_or_else(|e| e.into_inner()) = Some(cells.clone());
        Ok(cells)
    }

    /// The difficulty model trained last, if any: read from the store when a newer one was
    /// trained since it was last read.
    pub(crate) async fn difficulty_model(
        &self,
    ) -> Result<Option<Arc<difficulty::Loaded>>, error::ApiError> {
        let Some(latest) = self.store.latest_difficulty_model_id().await? else {
            return Ok(None);
        };
        let cached = self
            .difficulty
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(cached) = cached
            && cached.id == latest
        {
            return Ok(Some(cached));
        }
        let Some(stored) = self.store.latest_difficulty_model().await? else {
            return Ok(None);
        };
        let loaded = Arc::new(difficulty::Loaded::from_stored(&stored).map_err(|err| {
            error::ApiError::Internal(format!("difficulty model {}: {err}", stored.id))
        })?);
        *self.difficulty.write().unwrap_or_else(|e| e.into_inner()) = Some(loaded.clone());
        Ok(Some(loaded))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The SIRET of a structure.
    pub async fn structure_siret(&self, id: i64) -> Result<String, error::ApiError> {
        if let Some(siret) = self
            .sirets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
        {
            return Ok(siret.clone());
        }
        let structure = self
            .store
            .structure(id)
            .await?
            .ok_or_else(|| error::ApiError::NotFound(format!("structure {id}")))?;
        let siret = structure.record.siret.as_str().to_string();
        self.sirets
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, siret.clone());
        Ok(siret)
    }

    /// The structure id of a SIRET, among the structures known.
    pub async fn structure_id(&self, siret: &str) -> Result<Option<i64>, error::ApiError> {
        let known = self
            .sirets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(_, s)| s.as_str() == siret)
            .map(|(id, _)| *id);
        if known.is_some() {
            return Ok(known);
        }
        let Ok(parsed) = domain::Siret::parse(siret) else {
            return Ok(None);
        };
        Ok(self.store.structure_by_siret(&parsed).await?.map(|s| {
            self.sirets
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(s.id, siret.to_string());
            s.id
        }))
    }
}

/// Rerank events waiting for the audit trail: by (actor, offer, what changed), the event and
/// how many times that list was served.
type RerankEvents = std::collections::HashMap<(Option<i64>, i64, String), (NewAuditEvent, u64)>;

/// The most distinct rerank events held before a request flushes them itself.
const RERANK_EVENTS_HELD: usize = 10_000;

/// (shortlists, candidates, candidates holding each priority status).
type ShortlistCounts = std::collections::HashMap<(i64, String, String), (u64, u64, [u64; 6])>;

impl AppState {
    /// Re-reads the priority policies (another instance may have set one).
    pub async fn reload_policies(&self) -> anyhow::Result<()> {
        let policies = self.store.priority_policies().await?;
        *self.policies.write().unwrap_or_else(|e| e.into_inner()) = policies;
        Ok(())
    }

    /// The priority policy in force on `day` for an offer of `department`, with the engine's
    /// form of it for a top-`k`.
    pub fn policy_for(
        &self,
        department: Option<&str>,
        day: chrono::NaiveDate,
        k: usize,
    ) -> Result<(model::policy::InForce, engine::Policy), error::ApiError> {
        let in_force = {
            let policies = self.policies.read().unwrap_or_else(|e| e.into_inner());
            model::policy::in_force(&policies, department, day)
        };
        let key = (in_force.id, k);
        let mut cache = self.policy_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(policy) = cache.get(&key) {
            return Ok((in_force, policy.clone()));
        }
        let policy = engine::Policy::from_rule(&in_force.rule, k).map_err(|reason| {
            error::ApiError::Internal(format!("priority policy {:?}: {reason}", in_force.id))
        })?;
        if cache.len() > 1_000 {
            cache.clear();
        }
        cache.insert(key, policy.clone());
        Ok((in_force, policy))
    }

    /// Counts a shortlist served for an offer of `owner` in `department` (no write: the counts
    /// reach the store with [`AppState::flush_shortlist_counts`]).
    pub fn count_shortlist(
        &self,
        owner: i64,
        department: String,
        candidates: usize,
        holders: [u64; 6],
    ) {
        let month = self.now().format("%Y-%m").to_string();
        let mut counts = self
            .shortlist_counts
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let entry = counts.entry((owner, department, month)).or_default();
        entry.0 += 1;
        entry.1 += candidates as u64;
        for (sum, n) in entry.2.iter_mut().zip(holders) {
            *sum += n;
        }
    }

    /// Records what the policy changed in a served shortlist, for the next audit batch; past
    /// [`RERANK_EVENTS_HELD`] distinct ones, starts writing the batch in the background (one
    /// writer at a time), so that no request waits for it.
    pub fn audit_rerank(
        self: &Arc<Self>,
        actor: Option<i64>,
        offer: i64,
        detail: serde_json::Value,
    ) {
        let full = {
            let mut held = self.rerank_events.lock().unwrap_or_else(|e| e.into_inner());
            let key = (actor, offer, detail.to_string());
            let entry = held.entry(key).or_insert_with(|| {
                (
                    NewAuditEvent {
                        actor,
                        action: "shortlist.rerank".to_string(),
                        subject_kind: "offer".to_string(),
                        subject_id: Some(offer),
                        detail,
                    },
                    0,
                )
            });
            entry.1 += 1;
            held.len() >= RERANK_EVENTS_HELD
        };
        if full
            && !self
                .rerank_flushing
                .swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            let state = self.clone();
            tokio::spawn(async move {
                if let Err(err) = state.flush_rerank_events().await {
                    tracing::error!(error = ?err, "priority policy audit events not written: kept for the next try");
                }
                state
                    .rerank_flushing
                    .store(false, std::sync::atomic::Ordering::Release);
            });
        }
    }

    /// Appends the rerank events held to the audit trail, in one transaction, each with how many
    /// times its list was served (`served`); on failure they are kept for the next flush.
    pub async fn flush_rerank_events(&self) -> Result<usize, error::ApiError> {
        let taken =
            std::mem::take(&mut *self.rerank_events.lock().unwrap_or_else(|e| e.into_inner()));
        if taken.is_empty() {
            return Ok(0);
        }
        let mut events: Vec<NewAuditEvent> = taken
            .values()
            .map(|(event, served)| {
                let mut event = event.clone();
                if let Some(detail) = event.detail.as_object_mut() {
                    detail.insert("served".to_string(), serde_json::json!(served));
                }
                event
            })
            .collect();
        events.sort_by_key(|e| e.subject_id);
        match self.store.append_audit_all(&events, self.now()).await {
            Ok(_) => {
                self.metrics.audit_events.inc_by(events.len() as u64);
                Ok(events.len())
            }
            Err(err) => {
                let mut held = self.rerank_events.lock().unwrap_or_else(|e| e.into_inner());
                for (key, (event, served)) in taken {
                    held.entry(key).or_insert((event, 0)).1 += served;
                }
                Err(err.into())
            }
        }
    }

    /// Adds the shortlists counted since the last flush to the store; on failure they are kept
    /// for the next flush.
    pub async fn flush_shortlist_counts(&self) -> anyhow::Result<usize> {
        let taken = std::mem::take(
            &mut *self
                .shortlist_counts
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        if taken.is_empty() {
            return Ok(0);
        }
        let tallies: Vec<model::ShortlistTally> = taken
            .iter()
            .map(
                |((structure_id, department, month), (shortlists, candidates, holders))| {
                    model::ShortlistTally {
                        structure_id: *structure_id,
                        department: department.clone(),
                        month: month.clone(),
                        shortlists: *shortlists,
                        candidates: *candidates,
                        holders: *holders,
                    }
                },
            )
            .collect();
        if let Err(err) = self.store.add_shortlist_tallies(&tallies).await {
            let mut counts = self
                .shortlist_counts
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            for (key, (shortlists, candidates, holders)) in taken {
                let entry = counts.entry(key).or_default();
                entry.0 += shortlists;
                entry.1 += candidates;
                for (sum, n) in entry.2.iter_mut().zip(holders) {
                    *sum += n;
                }
            }
            return Err(err.into());
        }
        Ok(tallies.len())
    }
}

/// The whole application: API, health, metrics, with security headers, request ids, body
/// limits, request logs and metrics on every response.
pub fn router(state: Arc<AppState>) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        // The path only: query strings may carry what logs must not keep. At the error level,
        // so that the request id is on every error logged, whatever the filter lets through.
        tracing::error_span!("request", id, method = %request.method(), path = request.uri().path())
    })
    .on_response(
        tower_http::trace::DefaultOnResponse::new()
            .level(tracing::Level::INFO)
            .latency_unit(tower_http::LatencyUnit::Micros),
    );
    if state.config.assets_dir.is_none() {
        tracing::warn!(
            "the DSFR's files were not found: pages are served unstyled; run `npm ci --prefix web` \
             or pass --assets"
        );
    }
    let state_for_hsts = state.clone();
    let public_url = state.config.public_url.clone();
    let mut routes = api::routes().merge(pages::routes(state.config.assets_dir.clone()));
    if state.config.metrics_bind.is_none() {
        routes = routes.route("/metrics", axum::routing::get(api::metrics));
    }
    routes
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::track,
        ))
        .fallback(|request: Request<axum::body::Body>| async move {
            if request.uri().path().starts_with("/api/") {
                error::ApiError::NotFound("no such route".to_string()).into_response()
            } else {
                pages::not_found().await
            }
        })
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // A request a browser sends for another site's page (a form posted from elsewhere,
        // signing its visitor in to the attacker's account, say) is refused: the Fetch
        // Metadata (`Sec-Fetch-Site`) or `Origin` says where it came from. Clients that say
        // nothing, as machine clients with their API token, pass; sessions' own anti-forgery
        // token stays the check of signed-in requests.
        .layer(cross_site_guard(&public_url))
        .layer(CatchPanicLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            // No inline script anywhere. Style *attributes* are allowed (`style-src-attr`), not
            // style elements: the DSFR's header script copies the tools links into the mobile
            // menu through innerHTML, and the copy carries the custom properties its runtime had
            // set through the CSSOM as `style` attributes.
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; \
                 style-src-attr 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; \
                 base-uri 'self'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(axum::middleware::from_fn_with_state(state_for_hsts, hsts))
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// The guard against requests from other sites. The public address's origin is trusted
/// besides the request's own host, for a proxy that hands the service another `Host`.
fn cross_site_guard(
    public_url: &str,
) -> CsrfLayer<fn(ProtectionError) -> axum::response::Response> {
    let layer = CsrfLayer::new();
    let layer = match public_origin(public_url) {
        Some(origin) => layer
            .clone()
            .add_trusted_origin(&origin)
            .unwrap_or_else(|err| {
                tracing::warn!(%err, origin, "the public address is no origin a browser sends");
                layer
            }),
        None => layer,
    };
    layer.with_rejection_response(cross_site_refusal as fn(ProtectionError) -> _)
}

/// The origin a browser sends for pages of `public_url`: `scheme://host[:port]`, the host in
/// lower case, a default port left out.
fn public_origin(public_url: &str) -> Option<String> {
    let uri: axum::http::Uri = public_url.trim().parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.to_ascii_lowercase();
    Some(match uri.port_u16() {
        Some(port) if !matches!((scheme.as_str(), port), ("http", 80) | ("https", 443)) => {
            format!("{scheme}://{host}:{port}")
        }
        _ => format!("{scheme}://{host}"),
    })
}

/// The answer to a request a browser says came from another site: 403, a problem naming why.
fn cross_site_refusal(error: ProtectionError) -> axum::response::Response {
    tracing::warn!(%error, "a request from another site was refused");
    error::ApiError::Forbidden(
        "this request came from another site: a browser may send it only from Passerelle's own \
         pages"
            .to_string(),
    )
    .into_response()
}

/// Strict-Transport-Security on responses served over HTTPS: when the service is configured
/// behind TLS (`secure_cookies`) or the TLS-terminating proxy says the request came so.
async fn hsts(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let https = state.config.secure_cookies
        || request
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// `/metrics` alone, for the address of `Config::metrics_bind` (anything else is a 404).
pub fn metrics_router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(api::metrics))
        .with_state(state)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}

/// Serves until `shutdown` completes, then finishes the requests in flight. Runs the referral
/// expiry sweep meanwhile. With `Config::metrics_bind`, binds it and serves `/metrics` there
/// only (see [`serve_with_metrics`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let metrics = match state.config.metrics_bind {
        Some(address) => Some(
            tokio::net::TcpListener::bind(address)
                .await
                .map_err(|err| anyhow::anyhow!("listening for /metrics on {address}: {err}"))?,
        ),
        None => None,
    };
    serve_with_metrics(listener, metrics, state, shutdown).await
}

/// As [`serve`], with the listener of `Config::metrics_bind` already bound (tests bind port 0):
/// `/metrics` on `metrics` only, both listeners stopped by the same `shutdown`, each finishing
/// its requests in flight.
pub async fn serve_with_metrics(
    listener: tokio::net::TcpListener,
    metrics: Option<tokio::net::TcpListener>,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let sweeper = tokio::spawn(api::expiry_loop(state.clone()));
    let retention = tokio::spawn(retention::retention_loop(state.clone()));
    let refresher = tokio::spawn(refresh_loop(state.clone()));
    let follower = tokio::spawn(sourcing::follow_changes(state.clone()));
    let postman = tokio::spawn(outbox::outbox_loop(state.clone()));
    // One shutdown for both listeners: the signal, or the public listener failing.
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let stop_on_signal = {
        let stop = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        })
    };
    let stopped = |mut stopping: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopping.wait_for(|stopped| *stopped).await;
    };
    let header_timeout = state.config.header_read_timeout;
    let metrics_server = metrics.map(|listener| {
        if let Ok(address) = listener.local_addr() {
            tracing::info!(%address, "metrics listening (/metrics only)");
        }
        tokio::spawn(serve_until(
            listener,
            metrics_router(state.clone()),
            header_timeout,
            stopped(stopping.clone()),
        ))
    });
    let served = serve_until(
        listener,
        router(state.clone()),
        header_timeout,
        stopped(stopping),
    )
    .await;
    let _ = stop.send(true);
    stop_on_signal.abort();
    let metrics_served = match metrics_server {
        Some(handle) => match handle.await {
            Ok(done) => done.map_err(|err| anyhow::anyhow!("serving /metrics: {err}")),
            Err(err) => Err(anyhow::anyhow!("serving /metrics: {err}")),
        },
        None => Ok(()),
    };
    sweeper.abort();
    retention.abort();
    refresher.abort();
    follower.abort();
    postman.abort();
    if let Err(err) = state.flush_shortlist_counts().await {
        tracing::error!(error = %err, "shortlist counts lost at stop");
    }
    if let Err(err) = state.flush_rerank_events().await {
        tracing::error!(error = ?err, "priority policy audit events lost at stop");
    }
    served.map_err(|err| anyhow::anyhow!("serving: {err}"))?;
    metrics_served
}

/// Serves `app` on `listener` until `stop` completes, then lets the connections finish
/// their requests. Each request knows its peer (`ConnectInfo<SocketAddr>`). A client that
/// has not sent a request's headers within `header_timeout` is disconnected: `axum::serve`
/// sets no such limit, and a few hundred clients sending their headers a byte at a time
/// would hold every connection ("slowloris").
async fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: std::time::Duration,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    // Out of file descriptors, a connection reset before it was taken...: the
                    // listener goes on, after a breath.
                    tracing::warn!(error = %err, "accepting a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service = app.clone().map_request(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                request
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(
                TokioIo::new(stream),
                hyper_util::service::TowerToHyperService::new(service),
            )
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Every `refresh_every`, takes into the engine what was written since the last refresh began
/// (with a margin for clocks that differ between instances; taking a record twice is harmless).
async fn refresh_loop(state: Arc<AppState>) {
    let margin = Duration::seconds(5);
    let mut since = state.built_at - margin;
    let mut ticker = tokio::time::interval(state.config.refresh_every);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        if let Err(err) = state.flush_shortlist_counts().await {
            tracing::error!(error = %err, "shortlist counts not written: kept for the next try");
        }
        if let Err(err) = state.flush_rerank_events().await {
            tracing::error!(error = ?err, "priority policy audit events not written: kept for the next try");
        }
        if let Err(err) = state.reload_policies().await {
            tracing::error!(error = %err, "priority policies not re-read: the known ones apply");
        }
        let started = state.now();
        match sourcing::refresh(state.store.as_ref(), &state.sourcing, since).await {
            Ok(done) => {
                if done != sourcing::Refreshed::default() {
                    tracing::info!(
                        job_seekers = done.job_seekers,
                        offers = done.offers,
                        "engine refreshed"
                    );
                }
                since = started - margin;
            }
            Err(err) => tracing::error!(error = %err, "engine refresh failed"),
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// Logs to standard error as JSON lines (one object per event, with the request id) or as text,
/// filtered by `RUST_LOG` (default `info`).
pub fn init_logs(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Standard error: standard output carries results (and the CLI holds its lock).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder.try_init()
    };
}

#[cfg(test)]
mod tests {
    use super::public_origin;

    #[test]
    fn the_public_address_gives_the_origin_browsers_send() {
        let cases = [
            (
                "https://Passerelle.Example.fr/",
                Some("https://passerelle.example.fr"),
            ),
            (
                "https://passerelle.example.fr:443/app",
                Some("https://passerelle.example.fr"),
            ),
            ("http://127.0.0.1:8080", Some("http://127.0.0.1:8080")),
            ("http://host:80", Some("http://host")),
            ("https://host:8443/", Some("https://host:8443")),
            ("passerelle.example.fr", None),
            ("", None),
        ];
        for (url, origin) in cases {
            assert_eq!(public_origin(url).as_deref(), origin, "{url}");
        }
    }
}
