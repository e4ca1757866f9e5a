//! Job seekers: the advisor's portfolio, one person as the reader's rights show them,
//! suggestions, and the person's access history.

use super::*;

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
pub(crate) async fn get_job_seeker(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<JobSeekerView>> {
    let (seeker, agency) = person_to_read(&state, &principal, id).await?;
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
pub(crate) async fn access_history(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<AuditEventView>>> {
    let (_, agency) = job_seeker_and_agency(&state, id).await?;
    if let Err(reason) = principal.grant(Resource::AccessHistory, Verb::Read, Some(agency)) {
        return Err(refused(&state, &principal, id, "job_seeker.access_history", reason).await);
    }
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
    let events = state
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
        .await?;
    Ok(Json(events.iter().map(audit_view).collect()))
}
