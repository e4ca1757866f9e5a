//! Referrals: proposals, the workflow's moves, and expiry.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewReferral {
    pub offer_id: i64,
    /// From a shortlist (`job_seeker_id` of a candidate).
    pub job_seeker_id: i64,
}

/// The referrals a listing grant covers in structure `id`: an advisor's agency's job seekers,
/// or the offers of the recruiter's agency.
pub(crate) fn listing_scope(rule: &crate::access::Rule, id: i64) -> ReferralScope {
    if rule.role == model::Role::Advisor {
        ReferralScope::JobSeekerAgency(id)
    } else {
        ReferralScope::OfferOwner(id)
    }
}

/// Whether this user may act on a referral (read or write), through the offer's structure or
/// the job seeker's agency; the grant's role is who moves it.
pub(crate) async fn referral_grant(
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
pub(crate) async fn propose(
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
pub(crate) async fn list_referrals(
    State(state): St,
    principal: Principal,
    QueryParams(structure): QueryParams<StructureQuery>,
    QueryParams(page): QueryParams<Page>,
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
    let referrals = state
        .store
        .referrals(listing_scope(rule, id), page.after, limit)
        .await?;
    Ok(Json(referrals.iter().map(referral_view).collect()))
}

/// One referral with its log; the job seeker shown by identity once they accepted (audited).
#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals",
    params(("id" = i64, Path, description = "referral id")),
    responses((status = 200, body = ReferralDetail), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn get_referral(
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

pub(crate) fn parse_state(text: &str, path: &str) -> AppResult<ReferralState> {
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
pub(crate) async fn move_referral(
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
