//! Prometheus metrics, served at `/metrics` in the text exposition format: requests by route
//! and status, their durations, and the size of the sourcing engine.

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route's pattern (`/api/v1/offers/{id}`), never the concrete path.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    pub job_seekers: Gauge,
    pub open_offers: Gauge,
    pub audit_events: Counter,
    pub referral_moves: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("passerelle");
        let requests = Family::<RequestLabels, Counter>::default();
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.25 ms to 4 s.
            Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
                0.000_25, 2.0, 15,
            ))
        });
        let job_seekers = Gauge::default();
        let open_offers = Gauge::default();
        let audit_events = Counter::default();
        let referral_moves = Counter::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            durations.clone(),
        );
        registry.register(
            "engine_job_seekers",
            "Job seekers in the sourcing engine",
            job_seekers.clone(),
        );
        registry.register(
            "engine_open_offers",
            "Open offers in the sourcing engine",
            open_offers.clone(),
        );
        registry.register(
            "audit_events_appended",
            "Audit events appended by this instance",
            audit_events.clone(),
        );
        registry.register(
            "referral_moves",
            "Referral state changes made by this instance (expiry included)",
            referral_moves.clone(),
        );
        Self {
            registry,
            requests,
            durations,
            job_seekers,
            open_offers,
            audit_events,
            referral_moves,
        }
    }

    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Counts and times every request.
#[allow(clippy::disallowed_methods)] // measures durations: the edge reads the clock
pub async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    let status = response.status().as_u16();
    state
        .metrics
        .durations
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status,
        })
        .inc();
    response
}
