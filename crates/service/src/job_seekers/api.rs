//! Job seekers: the advisor's portfolio, one person as the reader's rights show them,
//! suggestions, and the person's access history.

use crate::api::*;
use model::evaluations::EvaluationKind;

/// The job seekers of an agency's portfolio (identity included: each read is audited).
#[utoipa::path(get, path = "/api/v1/job-seekers", tag = "job seekers",
    params(StructureQuery, Page),
    responses((status = 200, body = Vec<JobSeekerView>), (status = 403, body = Problem)))]
pub(crate) async fn list_job_seekers(
    State(state): St,
    principal: Principal,
    QueryParams(structure): QueryParams<StructureQuery>,
    QueryParams(page): QueryParams<Page>,
) -> AppResult<Json<Vec<JobSeekerView>>> {
    let limit = page_limit(page.limit)?;
    let (agency, fields) = portfolio(&state, &principal, structure.structure.as_deref()).await?;
    let seekers = state
        .store
        .job_seekers_of_agency(agency, page.after, limit)
        .await?;
    audit_listed(&state, &principal, &seekers, fields, "list").await?;
    Ok(Json(
        seekers.iter().map(|s| job_seeker_view(s, fields)).collect(),
    ))
}

/// The agency whose portfolio a listing shows (the one asked by SIRET, or the user's only
/// one) and the fields its reader sees. Agencies, who see a person only through an accepted
/// referral, list nobody.
async fn portfolio(
    state: &AppState,
    principal: &Principal,
    asked: Option<&str>,
) -> AppResult<(i64, Fields)> {
    let (agency, rule) = listing(state, principal, Resource::JobSeekers, Verb::Read, asked).await?;
    if rule.reach == Reach::Revealed {
        return Err(forbidden(
            "agencies see a job seeker through an accepted referral, not as a list".to_string(),
        ));
    }
    Ok((agency, rule.fields))
}

/// Every person a listing shows is a read of their record, audited (`via` names the listing).
async fn audit_listed(
    state: &AppState,
    principal: &Principal,
    seekers: &[JobSeeker],
    fields: Fields,
    via: &str,
) -> AppResult<()> {
    let detail = json!({ "fields": fields_name(fields), "via": via });
    let reads = seekers
        .iter()
        .map(|s| principal.event("job_seeker.read", "job_seeker", s.id, detail.clone()))
        .collect();
    audit(state, reads).await
}

/// One job seeker, as the reader's rights show them (audited).
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}", tag = "job seekers",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 200, body = JobSeekerView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn get_job_seeker(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<JobSeekerView>> {
    let (seeker, agency) = person_to_read(&state, &principal, id).await?;
    let fields = job_seeker_fields(&state, &principal, id, agency).await?;
    let detail = json!({ "fields": fields_name(fields) });
    state
        .audit_one(principal.event("job_seeker.read", "job_seeker", id, detail))
        .await?;
    Ok(Json(job_seeker_view(&seeker, fields)))
}

/// The open offers that suit a job seeker best, with the reasons.
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/suggestions", tag = "job seekers",
    params(("id" = i64, Path, description = "job seeker id"), ShortlistQuery),
    responses((status = 200, body = Vec<SuggestionView>), (status = 403, body = Problem),
              (status = 404, body = Problem),
              (status = 409, body = Problem, description = "The person is not in the engine (not active, or not yet taken in)")))]
pub(crate) async fn suggestions(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    QueryParams(query): QueryParams<ShortlistQuery>,
) -> AppResult<Json<Vec<SuggestionView>>> {
    let k = query.k.unwrap_or(10);
    if !(1..=100).contains(&k) {
        return Err(ApiError::field("?k", format!("{k}: between 1 and 100")));
    }
    let (_, agency) = job_seeker_and_agency(&state, id).await?;
    if let Err(reason) = principal.grant(Resource::Suggestions, Verb::Read, Some(agency)) {
        return Err(refused(&state, &principal, id, "job_seeker.suggest", reason).await);
    }
    let today = state.now().date_naive();
    // Ranking is CPU work: on the blocking pool, never on the async workers.
    let worker = state.clone();
    let views = tokio::task::spawn_blocking(move || {
        let sourcing = worker.sourcing.read().unwrap_or_else(|e| e.into_inner());
        let suggested = sourcing
            .engine
            .suggest(id, k, today)
            .map_err(|err| ApiError::Conflict(format!("job seeker {id}: {err}")))?;
        let views = suggested
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
            .collect::<Vec<_>>();
        Ok::<_, ApiError>(views)
    })
    .await
    .map_err(|err| ApiError::Internal(format!("suggestions for job seeker {id}: {err}")))??;
    let detail = json!({ "k": k, "offers": views.iter().map(|v| v.offer.id).collect::<Vec<_>>() });
    state
        .audit_one(principal.event("job_seeker.suggest", "job_seeker", id, detail))
        .await?;
    Ok(Json(views))
}

/// Who accessed a job seeker's data, when and how: the person's own access history, to hand
/// over on request (GDPR art. 15).
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/access-history", tag = "job seekers",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 200, body = Vec<AuditEventView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn access_history(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<AuditEventView>>> {
    let (_, agency) = job_seeker_and_agency(&state, id).await?;
    if let Err(reason) = principal.grant(Resource::AccessHistory, Verb::Read, Some(agency)) {
        return Err(refused(&state, &principal, id, "job_seeker.access_history", reason).await);
    }
    state
        .audit_one(principal.event("job_seeker.access_history", "job_seeker", id, json!({})))
        .await?;
    let events = access_events(state.as_ref(), id).await?;
    Ok(Json(events.iter().map(audit_view).collect()))
}

/// Every event of the audit trail about the person, oldest first: their access history.
pub(crate) async fn access_events(state: &AppState, id: i64) -> AppResult<Vec<model::AuditEvent>> {
    Ok(state
        .store
        .query_audit(
            &model::AuditQuery {
                subject_kind: Some("job_seeker".to_string()),
                subject_id: Some(id),
                ..model::AuditQuery::default()
            },
            0,
            u32::MAX,
        )
        .await?)
}

/// A person's consent and disclosures, as their agency records them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// `all_agencies`, `department_agencies` (those of the person's department), or `null`:
    /// withdrawn.
    pub scope: Option<String>,
    /// How the person said so: `in_person`, `phone`, `email`, `letter` or `online`.
    pub channel: String,
    /// The priority statuses the person lets agencies see once they accept a referral (each
    /// must be held); the others stay private.
    #[serde(default)]
    pub disclosed: Vec<String>,
    /// The kinds of evaluation (`mrs`, `caces`, `language`, `skills_assessment`) the person
    /// lets other structures than the one that recorded them see; absent or `null`: as they
    /// are.
    #[serde(default)]
    pub shared_evaluations: Option<Vec<String>>,
}

/// One recorded change of a person's consent and disclosures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentEventView {
    pub id: i64,
    /// `all_agencies`, `department_agencies`, or `null`: withdrawn.
    pub scope: Option<String>,
    pub channel: String,
    pub disclosed: Vec<String>,
    /// The kinds of evaluation shared with other structures.
    pub shared_evaluations: Vec<String>,
    /// The account that recorded it (`null` when it was removed since).
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

/// What recording a consent did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentReport {
    pub job_seeker: JobSeekerView,
    /// Proposals not yet answered that the new consent no longer covers: cancelled, and shown
    /// so to the agencies concerned (without a reason).
    pub cancelled_referrals: Vec<i64>,
    /// Duos the new consent no longer covers: declined if not under way yet, stopped
    /// (`consent_withdrawn`) if they were.
    pub closed_duos: Vec<i64>,
    /// Invitations to actions not yet answered, declined on a withdrawal.
    pub declined_invitations: Vec<i64>,
}

fn consent_event_view(e: &model::ConsentEvent) -> ConsentEventView {
    ConsentEventView {
        id: e.id,
        scope: e.change.scope.map(|s| s.as_str().to_string()),
        channel: e.change.channel.as_str().to_string(),
        disclosed: e
            .change
            .disclosed
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        shared_evaluations: e
            .change
            .shared_evaluations
            .iter()
            .map(|k| k.as_str().to_string())
            .collect(),
        recorded_by: e.recorded_by,
        recorded_at: e.recorded_at,
    }
}

/// The change an input asks for, or every wrong field named; `shared` is what the person
/// shares now, kept when the input does not say.
pub(crate) fn parse_consent(
    input: &ConsentInput,
    shared: &[EvaluationKind],
) -> AppResult<model::ConsentChange> {
    if input.disclosed.len() > model::PriorityStatus::ALL.len() {
        return Err(ApiError::field(
            "/disclosed",
            format!(
                "at most {} statuses, each once",
                model::PriorityStatus::ALL.len()
            ),
        ));
    }
    let mut problems = Vec::new();
    let scope = match input.scope.as_deref() {
        None => None,
        Some(text) => match model::ConsentScope::parse(text) {
            Some(scope) => Some(scope),
            None => {
                problems.push(FieldProblem {
                    path: "/scope".into(),
                    message: "`all_agencies`, `department_agencies`, or null (withdrawn)".into(),
                });
                None
            }
        },
    };
    let channel = model::ConsentChannel::parse(&input.channel);
    if channel.is_none() {
        problems.push(FieldProblem {
            path: "/channel".into(),
            message: "`in_person`, `phone`, `email`, `letter` or `online`".into(),
        });
    }
    let mut disclosed = Vec::new();
    for (i, text) in input.disclosed.iter().enumerate() {
        match model::PriorityStatus::parse(text) {
            Some(status) if !disclosed.contains(&status) => disclosed.push(status),
            Some(_) => problems.push(FieldProblem {
                path: format!("/disclosed/{i}"),
                message: "given twice".into(),
            }),
            None => problems.push(FieldProblem {
                path: format!("/disclosed/{i}"),
                message: "not a priority status".into(),
            }),
        }
    }
    let shared_evaluations = match &input.shared_evaluations {
        None => shared.to_vec(),
        Some(kinds) => {
            let mut chosen = Vec::new();
            for (i, text) in kinds.iter().enumerate() {
                match EvaluationKind::parse(text) {
                    Some(kind) if !chosen.contains(&kind) => chosen.push(kind),
                    Some(_) => problems.push(FieldProblem {
                        path: format!("/shared_evaluations/{i}"),
                        message: "given twice".into(),
                    }),
                    None => problems.push(FieldProblem {
                        path: format!("/shared_evaluations/{i}"),
                        message: "`mrs`, `caces`, `language` or `skills_assessment`".into(),
                    }),
                }
                if i >= EvaluationKind::ALL.len() {
                    break;
                }
            }
            chosen
        }
    };
    match channel {
        Some(channel) if problems.is_empty() => Ok(model::ConsentChange {
            scope,
            channel,
            disclosed,
            shared_evaluations,
        }),
        _ => Err(ApiError::Invalid(problems)),
    }
}

/// A person's consent history, oldest first (the person's own agency; audited).
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/consent", tag = "job seekers",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 200, body = Vec<ConsentEventView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn consent_history(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ConsentEventView>>> {
    let (_, agency) = person_to_read(&state, &principal, id).await?;
    if let Err(reason) = principal.grant(Resource::Consent, Verb::Read, Some(agency)) {
        return Err(refused(&state, &principal, id, "job_seeker.consent", reason).await);
    }
    state
        .audit_one(principal.event("job_seeker.consent.read", "job_seeker", id, json!({})))
        .await?;
    let events = state.store.consent_events(id).await?;
    Ok(Json(events.iter().map(consent_event_view).collect()))
}

/// A person's consent history, oldest first, as the API shows it.
pub(crate) async fn consent_events(state: &AppState, id: i64) -> AppResult<Vec<ConsentEventView>> {
    let events = state.store.consent_events(id).await?;
    Ok(events.iter().map(consent_event_view).collect())
}

/// Records a person's consent to be proposed (its scope, or its withdrawal) and the statuses
/// they disclose, as they told their agency. Takes effect at once: a withdrawal takes the
/// person out of every shortlist and cancels the proposals not yet answered that relied on
/// it. Kept as history and audited.
#[utoipa::path(put, path = "/api/v1/job-seekers/{id}/consent", tag = "job seekers",
    params(("id" = i64, Path, description = "job seeker id")),
    request_body = ConsentInput,
    responses((status = 200, body = ConsentReport), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn record_consent(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ConsentInput>,
) -> AppResult<Json<ConsentReport>> {
    Ok(Json(consent(&state, &principal, id, &input).await?))
}

pub(crate) async fn consent(
    state: &AppState,
    principal: &Principal,
    id: i64,
    input: &ConsentInput,
) -> AppResult<ConsentReport> {
    let (seeker, agency) = person_to_read(state, principal, id).await?;
    if let Err(reason) = principal.grant(Resource::Consent, Verb::Write, Some(agency)) {
        return Err(refused(state, principal, id, "job_seeker.consent", reason).await);
    }
    let shared = state.store.shared_evaluation_kinds(id).await?;
    let change = parse_consent(input, &shared)?;
    for (i, status) in change.disclosed.iter().enumerate() {
        if !seeker.record.priorities.contains_key(status) {
            return Err(ApiError::field(
                format!("/disclosed/{i}"),
                "a status this person does not hold cannot be disclosed",
            ));
        }
    }
    apply_consent(state, principal.actor(), id, &change).await
}

/// Records a consent change already checked (by the person's agency, or by the person in
/// their own space): the engine of this instance updated at once, the change audited, the
/// proposals and duos it no longer covers closed.
pub(crate) async fn apply_consent(
    state: &AppState,
    actor: crate::api::Actor,
    id: i64,
    change: &model::ConsentChange,
) -> AppResult<ConsentReport> {
    let now = state.now();
    let updated = state
        .store
        .record_consent(id, change, actor.user(), now)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("job seeker {id}")))?;
    // At once in this instance's engine; the others take it in on their next refresh.
    {
        let mut sourcing = state.sourcing.write().unwrap_or_else(|e| e.into_inner());
        if let Err(err) = sourcing.engine.upsert_job_seeker(&updated) {
            tracing::warn!(job_seeker = id, %err, "job seeker left out of the engine");
        }
    }
    let detail = json!({
        "scope": change.scope.map(|s| s.as_str()),
        "channel": change.channel.as_str(),
        "disclosed": change.disclosed.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "shared_evaluations":
            change.shared_evaluations.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
    });
    state
        .audit_one(actor.event("job_seeker.consent", "job_seeker", id, detail))
        .await?;
    let cancelled = cancel_uncovered_proposals(state, actor, id).await?;
    let closed_duos = crate::duos::api::close_uncovered_duos(state, actor, &updated).await?;
    let declined_invitations = if change.scope.is_none() {
        decline_open_invitations(state, actor, id).await?
    } else {
        Vec::new()
    };
    Ok(ConsentReport {
        job_seeker: job_seeker_view(&updated, Fields::Full),
        cancelled_referrals: cancelled,
        closed_duos,
        declined_invitations,
    })
}

/// Declines, as the person's side, their invitations to actions not yet answered: once they
/// withdrew their consent, an acceptance would reveal them to the action's organisers.
async fn decline_open_invitations(
    state: &AppState,
    actor: crate::api::Actor,
    id: i64,
) -> AppResult<Vec<i64>> {
    let mut declined = Vec::new();
    for invitation in state.store.invitations_of_job_seeker(id).await? {
        let to = model::InvitationState::Declined;
        if workflow::INVITATIONS
            .check(invitation.state, to, Mover::PersonSide, None, None)
            .is_err()
        {
            continue;
        }
        let moved = state
            .store
            .move_invitation(
                invitation.id,
                to,
                Mover::PersonSide,
                model::Modality::OnSite,
                state.now(),
            )
            .await;
        match moved {
            Ok(_) => {}
            // Answered meanwhile: its answer stands.
            Err(store::StoreError::Conflict(_)) => continue,
            Err(err) => return Err(err.into()),
        }
        let detail = json!({
            "invitation": invitation.id, "to": to.as_str(), "job_seeker": id,
            "reason": "consent_withdrawn",
        });
        state
            .audit_one(actor.event(
                "action.invitation",
                "action",
                invitation.invitation.action_id,
                detail,
            ))
            .await?;
        declined.push(invitation.id);
    }
    Ok(declined)
}

/// Cancels the person's proposals not yet answered whose offer their consent no longer
/// covers (withdrawn, or narrowed to their department), as their side: the agency sees the
/// proposal cancelled, never why.
async fn cancel_uncovered_proposals(
    state: &AppState,
    actor: crate::api::Actor,
    id: i64,
) -> AppResult<Vec<i64>> {
    let referrals = state
        .store
        .referrals(ReferralScope::JobSeeker(id), 0, u32::MAX)
        .await?;
    let uncovered: Vec<Referral> = {
        let sourcing = state.sourcing.read().unwrap_or_else(|e| e.into_inner());
        referrals
            .into_iter()
            .filter(|r| r.state == ReferralState::Proposed)
            // An offer no longer in the engine (closed) keeps its proposal to the workflow.
            .filter(|r| match sourcing.engine.consent_covers(id, r.offer_id) {
                Ok(covered) => !covered,
                // Not in the engine any more (left, suspended): no consent to rely on.
                Err(engine::EngineError::UnknownJobSeeker(_)) => true,
                // The offer closed: its proposal is the workflow's.
                Err(_) => false,
            })
            .collect()
    };
    let mut cancelled = Vec::new();
    for referral in uncovered {
        if workflow::check(
            referral.state,
            ReferralState::Cancelled,
            Mover::PersonSide,
            None,
            None,
        )
        .is_err()
        {
            continue;
        }
        let audited = actor.event(
            "referral.cancel",
            "referral",
            referral.id,
            json!({ "from": referral.state.as_str(), "because": "consent" }),
        );
        // Nobody named, no note: the agency sees the proposal cancelled, never why (the
        // audit trail keeps who and why).
        let moved = crate::referrals::api::transition(
            state,
            &crate::referrals::api::unnamed_move(&referral, ReferralState::Cancelled, None),
            &audited,
            state.now(),
        )
        .await;
        match moved {
            Ok(_) => cancelled.push(referral.id),
            // Answered meanwhile: the answer stands.
            Err(store::StoreError::Conflict(_)) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(cancelled)
}

/// What a push of job seekers did.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobSeekersReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Creates or updates the job seekers of an agency's portfolio, in the job seekers CSV of
/// `docs/formats.md` (what France Travail's systems send): the same validation as a file
/// import. All are written or none: any wrong field is a 422 naming its line and column
/// (`/3/commune`, the header being line 1). Consent and disclosures recorded in Passerelle
/// (`PUT /job-seekers/{id}/consent`) are kept. The engine takes them in at once.
/// What a portfolio search asks.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortfolioSearch {
    /// SIRET of the agency (needed only when the user has several).
    pub structure: Option<String>,
    /// Words found in the person's name, reference or pseudonym (case and accents ignored).
    pub q: Option<String>,
    /// Only the holders of this priority status: rqth, long_term, rsa, qpv, senior,
    /// young_unqualified (the agency's own advisors only).
    pub status: Option<String>,
    /// Only those who target this ROME code.
    pub rome: Option<String>,
    /// `name` (last name, first name; the default) or `registered` (newest first).
    pub sort: Option<String>,
    /// How many to skip (0 to 1,000,000).
    pub offset: Option<u64>,
    /// At most this many (1 to 500, default 50).
    pub limit: Option<u32>,
}

/// One page of a portfolio search, and how many people match in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioPage {
    pub total: u64,
    pub job_seekers: Vec<JobSeekerView>,
}

/// An advisor's portfolio searched, filtered and sorted by the database, one page at a time
/// (identity included: each person shown is a read, audited).
#[utoipa::path(get, path = "/api/v1/job-seekers/search", tag = "job seekers",
    params(PortfolioSearch),
    responses((status = 200, body = PortfolioPage), (status = 403, body = Problem)))]
pub(crate) async fn search_portfolio(
    State(state): St,
    principal: Principal,
    QueryParams(search): QueryParams<PortfolioSearch>,
) -> AppResult<Json<PortfolioPage>> {
    let limit = page_limit(search.limit)?;
    let offset = page_offset(search.offset)?;
    let words = search_words(
        search.q.as_deref(),
        model::portfolio::PortfolioQuery::MAX_WORDS,
    )?;
    let status = match search.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(model::PriorityStatus::parse(text).ok_or_else(|| {
            ApiError::field(
                "?status",
                "one of rqth, long_term, rsa, qpv, senior, young_unqualified",
            )
        })?),
    };
    let rome_code = match search.rome.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(
            domain::RomeCode::parse(text)
                .map_err(|err| ApiError::field("?rome", err.to_string()))?
                .as_str()
                .to_string(),
        ),
    };
    let sort = match search.sort.as_deref().filter(|s| !s.is_empty()) {
        None => model::portfolio::PortfolioSort::default(),
        Some(text) => model::portfolio::PortfolioSort::parse(text)
            .ok_or_else(|| ApiError::field("?sort", "name or registered"))?,
    };
    let (agency, fields) = portfolio(&state, &principal, search.structure.as_deref()).await?;
    // A filter on a status is a read of everyone's status: only for who sees them all.
    if status.is_some() && fields != Fields::Full {
        return Err(forbidden(
            "only the person's own agency may filter by priority status".to_string(),
        ));
    }
    let (total, seekers) = state
        .store
        .search_portfolio(&model::portfolio::PortfolioQuery {
            agency_structure_id: agency,
            words,
            status,
            rome_code,
            sort,
            offset,
            limit,
        })
        .await?;
    audit_listed(&state, &principal, &seekers, fields, "search").await?;
    Ok(Json(PortfolioPage {
        total,
        job_seekers: seekers.iter().map(|s| job_seeker_view(s, fields)).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/job-seekers", tag = "job seekers", params(StructureQuery),
    request_body(content = String, content_type = "text/csv",
                 description = "Job seekers CSV (docs/formats.md)"),
    responses((status = 200, body = JobSeekersReport), (status = 403, body = Problem),
              (status = 413, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn push_job_seekers(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<StructureQuery>,
    request: axum::extract::Request,
) -> AppResult<Json<JobSeekersReport>> {
    let (agency, _) = query
        .listing(&state, &principal, Resource::JobSeekers, Verb::Write)
        .await?;
    let bytes = crate::json::read_body(request, &()).await?;
    let siret = state.structure_siret(agency).await?;
    // Reading is CPU work: on the blocking pool, never on the async workers.
    let rows = tokio::task::spawn_blocking(move || exchange::job_seekers_csv::read(&bytes))
        .await
        .map_err(|err| ApiError::Internal(format!("reading job seekers: {err}")))?
        .map_err(|err| ApiError::field("", err.to_string()))?;
    if rows.len() > crate::offers::api::MAX_OFFERS_PER_REQUEST {
        return Err(ApiError::field(
            "",
            format!(
                "{} job seekers: at most {} per request; send them in parts",
                rows.len(),
                crate::offers::api::MAX_OFFERS_PER_REQUEST
            ),
        ));
    }
    let mut problems = Vec::new();
    let mut records = Vec::new();
    for row in rows {
        match row {
            Ok((line, record)) => {
                if record.agency_siret.as_str() != siret {
                    problems.push(FieldProblem {
                        path: format!("/{line}/agence_siret"),
                        message: format!("this person is followed by another agency, not {siret}"),
                    });
                } else {
                    records.push((line, record));
                }
            }
            Err(err) => problems.extend(err.errors.iter().map(|e| FieldProblem {
                path: format!("/{}/{}", err.position, e.field),
                message: e.reason.clone(),
            })),
        }
    }
    // A person another agency follows stays theirs: a push moves nobody between agencies (a
    // transfer goes through that agency or an administrator).
    for (line, record) in &records {
        if let Some(existing) = state.store.job_seeker(&record.external_id).await?
            && existing.record.agency_siret.as_str() != siret
        {
            problems.push(FieldProblem {
                path: format!("/{line}/identifiant"),
                message: "this person is followed by another agency: a push cannot move them"
                    .to_string(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    if records.is_empty() {
        return Err(ApiError::field("", "no job seeker in the body"));
    }
    let lines: Vec<usize> = records.iter().map(|(line, _)| *line).collect();
    let records: Vec<model::JobSeekerRecord> = records.into_iter().map(|(_, r)| r).collect();
    let report = state
        .store
        .upsert_job_seekers(&records, state.now())
        .await?;
    if let Some((index, reason)) = report.rejected.first() {
        let line = lines.get(*index).copied().unwrap_or(0);
        return Err(ApiError::field(format!("/{line}"), reason.clone()));
    }
    let mut written = Vec::with_capacity(records.len());
    for record in &records {
        if let Some(seeker) = state.store.job_seeker(&record.external_id).await? {
            written.push(seeker);
        }
    }
    {
        let mut sourcing = state.sourcing.write().unwrap_or_else(|e| e.into_inner());
        for seeker in &written {
            match sourcing.engine.upsert_job_seeker(seeker) {
                Ok(()) => {
                    sourcing
                        .pseudonyms
                        .insert(seeker.id, seeker.pseudonym.clone());
                }
                Err(err) => {
                    tracing::warn!(job_seeker = seeker.id, %err, "job seeker left out of the engine");
                }
            }
        }
    }
    let detail = json!({
        "created": report.created, "updated": report.updated,
        "unchanged": report.unchanged,
    });
    state
        .audit_one(principal.event("job_seekers.push", "structure", agency, detail))
        .await?;
    Ok(Json(JobSeekersReport {
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
    }))
}
