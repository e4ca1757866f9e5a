//! The retention API: the retention table with the record of processing (GDPR art. 30) and
//! the legal holds, the sweep, the erasure requests' queue and their processing (the
//! administrators), and an erasure request filed by the person's own agency.

use model::retention::{self as rules, ErasureBlocker, ErasureRequest, ErasureState};

use crate::api::*;
use crate::retention::{RequestedBy, blocker_fr, blocker_kind};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RuleView {
    /// `job_seeker`, `closed_referral`, `session`, `api_token`, `outbox_message`.
    pub kind: String,
    pub covers: String,
    /// Days after the trigger (0: at expiry).
    pub days: u32,
    /// `last_activity`, `closed_since`, `expiry`, `created`.
    pub trigger: String,
    /// `delete` or `anonymise`.
    pub disposal: String,
    /// The retention in words.
    pub retention: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LegalHoldView {
    pub what: String,
    pub kept: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProcessingView {
    pub purpose: String,
    pub legal_basis: String,
    pub data: Vec<String>,
    pub people: Vec<String>,
    pub recipients: Vec<String>,
    /// Each record kept and its retention, read from the rules.
    pub retention: Vec<String>,
    pub security: Vec<String>,
}

/// The retention table, the legal holds and the record of processing generated from them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetentionView {
    pub rules: Vec<RuleView>,
    pub legal_holds: Vec<LegalHoldView>,
    pub record_of_processing: Vec<ProcessingView>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn retention_view() -> RetentionView {
    RetentionView {
        rules: rules::RULES
            .iter()
            .map(|r| RuleView {
                kind: r.kind.as_str().to_string(),
                covers: r.covers.to_string(),
                days: r.days,
                trigger: r.trigger.as_str().to_string(),
                disposal: r.disposal.as_str().to_string(),
                retention: r.in_words(),
                why: r.why.to_string(),
            })
            .collect(),
        legal_holds: rules::LEGAL_HOLDS
            .iter()
            .map(|h| LegalHoldView {
                what: h.what.to_string(),
                kept: h.kept.to_string(),
                why: h.why.to_string(),
            })
            .collect(),
        record_of_processing: rules::record_of_processing()
            .into_iter()
            .map(|p| ProcessingView {
                purpose: p.purpose.to_string(),
                legal_basis: p.legal_basis.to_string(),
                data: strings(p.data),
                people: strings(p.people),
                recipients: strings(p.recipients),
                retention: p.retention,
                security: strings(p.security),
            })
            .collect(),
    }
}

/// The retention table (each kind of record: how long, from when, then what, why), the legal
/// holds and the record of processing (GDPR art. 30) generated from them. Administrators.
#[utoipa::path(get, path = "/api/v1/retention", tag = "retention",
    responses((status = 200, body = RetentionView), (status = 403, body = Problem)))]
pub(crate) async fn retention_table(
    State(_state): St,
    principal: Principal,
) -> AppResult<Json<RetentionView>> {
    principal
        .grant(Resource::Retention, Verb::Read, None)
        .map_err(forbidden)?;
    Ok(Json(retention_view()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepInput {
    /// Count what the sweep would remove, change nothing.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RuleCountView {
    pub kind: String,
    pub disposal: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SweepView {
    pub dry_run: bool,
    pub at: DateTime<Utc>,
    /// Per rule, in the table's order.
    pub counts: Vec<RuleCountView>,
}

pub(crate) fn sweep_view(report: &rules::RetentionReport) -> SweepView {
    SweepView {
        dry_run: report.dry_run,
        at: report.at,
        counts: report
            .counts
            .iter()
            .map(|c| RuleCountView {
                kind: c.kind.as_str().to_string(),
                disposal: c.disposal.as_str().to_string(),
                count: c.count,
            })
            .collect(),
    }
}

/// Runs the retention sweep now (it runs daily on its own), or counts what it would remove
/// (`dry_run`). Administrators; audited.
#[utoipa::path(post, path = "/api/v1/retention/sweep", tag = "retention",
    request_body = SweepInput,
    responses((status = 200, body = SweepView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn run_sweep(
    State(state): St,
    principal: Principal,
    JsonBody(input): JsonBody<SweepInput>,
) -> AppResult<Json<SweepView>> {
    principal
        .grant(Resource::Retention, Verb::Write, None)
        .map_err(forbidden)?;
    let report = crate::retention::sweep(&state, Some(&principal), input.dry_run).await?;
    Ok(Json(sweep_view(&report)))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BlockerView {
    /// `training_plan`, `hire_under_obligation`, `open_referral`, `open_duo`.
    pub kind: String,
    /// The plan, referral or duo.
    pub record_id: i64,
    /// The first day it may be gone (none: at a duo's end).
    pub earliest: Option<NaiveDate>,
    /// What blocks, in French.
    pub label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErasureRequestView {
    pub id: i64,
    pub job_seeker_id: i64,
    /// `person` or `advisor`.
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    /// `requested`, `done` or `refused`.
    pub state: String,
    /// What blocks it: when refused, what did; when pending, what would today.
    pub blockers: Vec<BlockerView>,
    /// The first day it may proceed, when something blocks it (none: at a duo's end).
    pub can_proceed_on: Option<NaiveDate>,
    pub processed_at: Option<DateTime<Utc>>,
    pub processed_by: Option<i64>,
}

fn blocker_view(blocker: &ErasureBlocker, expiry_days: u32) -> BlockerView {
    let record_id = match blocker {
        ErasureBlocker::TrainingPlan { plan_id, .. }
        | ErasureBlocker::HireUnderObligation { plan_id, .. } => *plan_id,
        ErasureBlocker::OpenReferral { referral_id, .. } => *referral_id,
        ErasureBlocker::OpenDuo { duo_id, .. } => *duo_id,
    };
    BlockerView {
        kind: blocker_kind(blocker).to_string(),
        record_id,
        earliest: blocker.earliest(expiry_days),
        label: blocker_fr(blocker, expiry_days),
    }
}

pub(crate) fn request_view(
    request: &ErasureRequest,
    blockers: &[ErasureBlocker],
    expiry_days: u32,
) -> ErasureRequestView {
    ErasureRequestView {
        id: request.id,
        job_seeker_id: request.job_seeker_id,
        requested_by: request.requested_by.as_str().to_string(),
        requested_at: request.requested_at,
        state: request.state.as_str().to_string(),
        blockers: blockers
            .iter()
            .map(|b| blocker_view(b, expiry_days))
            .collect(),
        can_proceed_on: rules::can_proceed_on(blockers, expiry_days),
        processed_at: request.processed_at,
        processed_by: request.processed_by,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ErasureFilter {
    /// Only requests in this state: `requested`, `done` or `refused`.
    pub state: Option<String>,
}

/// The erasure requests, the pending first (each with what would block it today), then the
/// newest. Administrators.
#[utoipa::path(get, path = "/api/v1/erasure-requests", tag = "retention",
    params(ErasureFilter),
    responses((status = 200, body = Vec<ErasureRequestView>), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn list_erasure_requests(
    State(state): St,
    principal: Principal,
    QueryParams(filter): QueryParams<ErasureFilter>,
) -> AppResult<Json<Vec<ErasureRequestView>>> {
    principal
        .grant(Resource::Retention, Verb::Read, None)
        .map_err(forbidden)?;
    let wanted = match filter.state.as_deref() {
        None => None,
        Some(text) => Some(
            ErasureState::parse(text)
                .ok_or_else(|| ApiError::field("?state", "`requested`, `done` or `refused`"))?,
        ),
    };
    let requests = state.store.erasure_requests(wanted).await?;
    let now = state.now();
    let days = state.config.expiry_days;
    let mut views = Vec::with_capacity(requests.len());
    for request in &requests {
        let blockers = if request.state == ErasureState::Requested {
            state
                .store
                .erasure_blockers(request.job_seeker_id, now)
                .await?
        } else {
            request.blockers.clone()
        };
        views.push(request_view(request, &blockers, days));
    }
    Ok(Json(views))
}

/// Processes a pending erasure request: the person anonymised (identity, contact, consent,
/// notes) when nothing blocks it, refused naming what blocks it and from which day it may
/// proceed otherwise; the person told by e-mail either way. Administrators; audited.
#[utoipa::path(post, path = "/api/v1/erasure-requests/{id}/process", tag = "retention",
    params(("id" = i64, Path, description = "erasure request id")),
    responses((status = 200, body = ErasureRequestView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn process_erasure(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<ErasureRequestView>> {
    principal
        .grant(Resource::Retention, Verb::Write, None)
        .map_err(forbidden)?;
    let request = crate::retention::process_erasure_request(&state, &principal, id).await?;
    Ok(Json(request_view(
        &request,
        &request.blockers,
        state.config.expiry_days,
    )))
}

/// Files an erasure request for one of the agency's people, on their behalf (the person files
/// theirs from their own space); answered with what would block it today and from which day it
/// may proceed. An administrator processes it. Audited.
#[utoipa::path(post, path = "/api/v1/job-seekers/{id}/erasure-request", tag = "retention",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 201, body = ErasureRequestView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn file_erasure(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<(StatusCode, Json<ErasureRequestView>)> {
    let (_, agency) = person_to_read(&state, &principal, id).await?;
    if let Err(reason) = principal.grant(Resource::Erasure, Verb::Write, Some(agency)) {
        return Err(refused(&state, &principal, id, "erasure.request", reason).await);
    }
    let filed = crate::retention::file_erasure_request(
        &state,
        id,
        RequestedBy::Advisor {
            user: principal.user.id,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(request_view(
            &filed.request,
            &filed.blockers,
            state.config.expiry_days,
        )),
    ))
}
