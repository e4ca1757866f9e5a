//! Referrals: proposals, the workflow's moves, and expiry.

use crate::api::*;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewReferral {
    pub offer_id: i64,
    /// From a shortlist (`job_seeker_id` of a candidate).
    pub job_seeker_id: i64,
}

/// How a user reaches a referral: through the structure that owns the offer (the offer's
/// side), through the job seeker's own agency (the person's side), or both. Each side's
/// fields and moves come from its own resource in [`crate::access::RULES`], never from the
/// holder's role: owning an offer never shows undisclosed statuses nor lets anyone answer for
/// the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReferralAccess {
    /// The fields the offer's side shows once the person accepted.
    pub offer_side: Option<Fields>,
    /// The fields the person's side shows.
    pub person_side: Option<Fields>,
}

impl ReferralAccess {
    /// The fields of the person this access shows while the referral is in `state`.
    pub fn fields(self, state: ReferralState) -> Fields {
        let person = self.person_side.unwrap_or(Fields::Pseudonymous);
        let offer = match self.offer_side {
            Some(fields) if accepted(state) => fields,
            _ => Fields::Pseudonymous,
        };
        person.max(offer)
    }

    /// Whether this access may make a move of the workflow.
    pub fn may(self, allowed: &workflow::Move) -> bool {
        self.movers().iter().any(|m| allowed.by.contains(m))
    }

    /// The sides this access acts as, the person's first.
    pub fn movers(self) -> Vec<Mover> {
        let mut movers = Vec::with_capacity(2);
        if self.person_side.is_some() {
            movers.push(Mover::PersonSide);
        }
        if self.offer_side.is_some() {
            movers.push(Mover::OfferSide);
        }
        movers
    }
}

/// The fields a side's right shows for a record of `structure`, if the user holds it there.
pub(crate) fn side(
    principal: &Principal,
    resource: Resource,
    verb: Verb,
    structure: i64,
) -> Option<Fields> {
    principal
        .grant(resource, verb, Some(structure))
        .ok()
        .filter(|g| g.rule.reach == Reach::Any || g.seat.structure_id == structure)
        .map(|g| g.rule.fields)
}

/// Whether this user may propose people for this offer from its side (the offer's structure
/// holds the right, and the offer is open): what `propose` accepts from the offer's side, and
/// what the offer's page offers.
pub(crate) fn may_propose_from_offer(principal: &Principal, offer: &Offer, owner: i64) -> bool {
    offer.record.status == model::OfferStatus::Open
        && side(principal, Resource::OfferReferrals, Verb::Write, owner).is_some()
}

/// How this user reaches a referral for this verb, or why they may not.
pub(crate) async fn referral_access(
    state: &AppState,
    principal: &Principal,
    verb: Verb,
    referral: &Referral,
) -> AppResult<ReferralAccess> {
    let (_, owner) = offer_and_owner(state, referral.offer_id).await?;
    let (_, agency) = job_seeker_and_agency(state, referral.job_seeker_id).await?;
    let access = ReferralAccess {
        offer_side: side(principal, Resource::OfferReferrals, verb, owner),
        person_side: side(principal, Resource::SeekerReferrals, verb, agency),
    };
    if access.offer_side.is_none() && access.person_side.is_none() {
        return Err(forbidden(
            "this referral concerns neither your offers nor your job seekers".to_string(),
        ));
    }
    Ok(access)
}

/// The referrals of `referrals` this user may read, with how they reach each.
pub(crate) async fn readable(
    state: &AppState,
    principal: &Principal,
    referrals: Vec<Referral>,
) -> AppResult<Vec<(Referral, ReferralAccess)>> {
    let mut kept = Vec::with_capacity(referrals.len());
    for referral in referrals {
        match referral_access(state, principal, Verb::Read, &referral).await {
            Ok(access) => kept.push((referral, access)),
            Err(ApiError::Forbidden(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(kept)
}

/// The one answer an agency gets when a person cannot be proposed, whatever the reason
/// (unknown, no consent or not for this agency, not looking for work, the offer does not fit):
/// only the person's own agency is told which.
const NOT_PROPOSABLE: &str = "this person cannot be proposed for this offer (unknown, not \
    consenting to it, not looking for work, or not eligible for it)";

/// Proposes a job seeker for an offer: the offer's structure from its shortlist, or the
/// person's own agency. The person must be eligible for the offer as the engine decides it
/// (consent and its scope, activity, commute limit, permits, availability, occupation).
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
    let seeker = match job_seeker_and_agency(&state, request.job_seeker_id).await {
        Ok(found) => Some(found),
        Err(ApiError::NotFound(_)) => None,
        Err(other) => return Err(other),
    };
    let offer_side = side(&principal, Resource::OfferReferrals, Verb::Write, owner).is_some();
    let person_side = seeker.as_ref().is_some_and(|(_, agency)| {
        side(&principal, Resource::SeekerReferrals, Verb::Write, *agency).is_some()
    });
    if !offer_side && !person_side {
        return Err(forbidden(
            "you may propose only for your own offers or your own job seekers".to_string(),
        ));
    }
    if offer.record.status != model::OfferStatus::Open {
        return Err(ApiError::field("/offer_id", "the offer is not open"));
    }
    let refuse = |reason: &str| {
        ApiError::field(
            "/job_seeker_id",
            if person_side { reason } else { NOT_PROPOSABLE },
        )
    };
    let Some((seeker, _)) = seeker else {
        return Err(refuse(NOT_PROPOSABLE));
    };
    if seeker.record.consent.is_none() {
        return Err(refuse(
            "this person has not consented to be proposed to agencies",
        ));
    }
    if seeker.record.status != model::JobSeekerStatus::Active {
        return Err(refuse("this person is not an active job seeker"));
    }
    let eligible = {
        let sourcing = state.sourcing.read().unwrap_or_else(|e| e.into_inner());
        sourcing
            .engine
            .eligible(seeker.id, offer.id, state.now().date_naive())
    };
    if !eligible.unwrap_or(false) {
        return Err(refuse(
            "this offer does not fit this person: outside the scope of their consent, beyond \
             their commute limit, before their availability, without a permit it needs, or in \
             an occupation that does not lead to it",
        ));
    }
    let proposed = event(
        &principal,
        "referral.propose",
        "referral",
        None,
        json!({ "offer": offer.id, "job_seeker": seeker.id }),
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
            store::StoreError::Duplicate { .. } => ApiError::Conflict(
                "this person has already been proposed for this offer".to_string(),
            ),
            // Consent withdrawn or narrowed while this request ran: refused like any other
            // unfit proposal.
            store::StoreError::Invalid(reason) if reason.starts_with("job_seeker_id: ") => {
                refuse(reason.trim_start_matches("job_seeker_id: "))
            }
            other => other.into(),
        })?;
    state.metrics.referral_moves.inc();
    state.metrics.audit_events.inc();
    Ok((StatusCode::CREATED, Json(referral_view(&referral))))
}

/// Which referrals a user lists for a structure (the one asked by SIRET, or their only one):
/// those of the offers it owns (the offer's side), of the job seekers it follows (the
/// person's side), or both.
pub(crate) async fn listing_scope(
    state: &AppState,
    principal: &Principal,
    asked: Option<&str>,
) -> AppResult<ReferralScope> {
    let sides = |id: i64| {
        (
            side(principal, Resource::OfferReferrals, Verb::Read, id).is_some(),
            side(principal, Resource::SeekerReferrals, Verb::Read, id).is_some(),
        )
    };
    let id = match asked {
        Some(siret) => state.structure_id(siret).await?.ok_or_else(|| {
            ApiError::field("?structure", format!("no structure has SIRET {siret}"))
        })?,
        None => {
            let mut mine: Vec<i64> = principal
                .seats
                .iter()
                .map(|s| s.structure_id)
                .filter(|id| sides(*id) != (false, false))
                .collect();
            mine.sort_unstable();
            mine.dedup();
            match mine.as_slice() {
                [one] => *one,
                [] => {
                    return Err(forbidden(
                        "your role may not read referrals: they are read by the offer's \
                         structure and by the job seeker's agency"
                            .to_string(),
                    ));
                }
                _ => {
                    return Err(ApiError::field(
                        "?structure",
                        "required: the SIRET of the structure to list",
                    ));
                }
            }
        }
    };
    match sides(id) {
        (true, true) => Ok(ReferralScope::Structure(id)),
        (true, false) => Ok(ReferralScope::OfferOwner(id)),
        (false, true) => Ok(ReferralScope::JobSeekerAgency(id)),
        (false, false) => Err(forbidden(
            "this structure is not yours: you may read the referrals of your own structure only"
                .to_string(),
        )),
    }
}

/// The referrals of the user's structure: of its offers (agencies) or of its job seekers
/// (France Travail agencies), or both.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals",
    params(StructureQuery, Page),
    responses((status = 200, body = Vec<ReferralView>), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn list_referrals(
    State(state): St,
    principal: Principal,
    QueryParams(structure): QueryParams<StructureQuery>,
    QueryParams(page): QueryParams<Page>,
) -> AppResult<Json<Vec<ReferralView>>> {
    let limit = page_limit(page.limit)?;
    let scope = listing_scope(&state, &principal, structure.structure.as_deref()).await?;
    let referrals = state.store.referrals(scope, page.after, limit).await?;
    Ok(Json(referrals.iter().map(referral_view).collect()))
}

/// The referrals of one offer that this user may read: all of them for the offer's
/// structure, only those of their own job seekers for an agency of France Travail.
#[utoipa::path(get, path = "/api/v1/offers/{id}/referrals", tag = "referrals",
    params(("id" = i64, Path, description = "offer id")),
    responses((status = 200, body = Vec<ReferralView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn offer_referrals(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ReferralView>>> {
    let kept = of_offer(&state, &principal, id).await?;
    Ok(Json(kept.iter().map(|(r, _)| referral_view(r)).collect()))
}

/// What [`offer_referrals`] lists, as records (the offer page shows the same).
pub(crate) async fn of_offer(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<Vec<(Referral, ReferralAccess)>> {
    let (_, owner) = offer_and_owner(state, id).await?;
    principal
        .grant(Resource::Offers, Verb::Read, Some(owner))
        .map_err(forbidden)?;
    let all = all_of(state, ReferralScope::Offer(id)).await?;
    readable(state, principal, all).await
}

/// The referrals of one job seeker that this user may read: all of them for the person's own
/// agency; for an agency, only those to its own offers.
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/referrals", tag = "referrals",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 200, body = Vec<ReferralView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn job_seeker_referrals(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ReferralView>>> {
    let kept = of_job_seeker(&state, &principal, id).await?;
    Ok(Json(kept.iter().map(|(r, _)| referral_view(r)).collect()))
}

/// What [`job_seeker_referrals`] lists, as records (the person's page shows the same).
pub(crate) async fn of_job_seeker(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<Vec<(Referral, ReferralAccess)>> {
    let (_, agency) = person_to_read(state, principal, id).await?;
    job_seeker_fields(state, principal, id, agency).await?;
    let all = all_of(state, ReferralScope::JobSeeker(id)).await?;
    readable(state, principal, all).await
}

/// Every referral of a scope, page after page.
pub(crate) async fn all_of(state: &AppState, scope: ReferralScope) -> AppResult<Vec<Referral>> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = state.store.referrals(scope, after, 500).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let full = page.len() == 500;
        all.extend(page);
        if !full {
            break;
        }
    }
    Ok(all)
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
    let access = referral_access(&state, &principal, Verb::Read, &referral).await?;
    let fields = access.fields(referral.state);
    let (offer, _) = offer_and_owner(&state, referral.offer_id).await?;
    let (seeker, _) = job_seeker_and_agency(&state, referral.job_seeker_id).await?;
    let log = state.store.referral_log(id).await?;
    if fields > Fields::Pseudonymous {
        let detail = json!({ "fields": fields_name(fields), "via": "referral", "referral": id });
        state
            .audit_one(principal.event("job_seeker.read", "job_seeker", seeker.id, detail))
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
                // Free text may name the person: the offer's side reads others' notes only
                // once they accepted, like their identity (its own, always).
                note: if fields > Fields::Pseudonymous || t.by == Some(principal.user.id) {
                    t.note.clone()
                } else {
                    None
                },
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
    let access = referral_access(&state, &principal, Verb::Write, &referral).await?;
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
    // As the person's side first, then as the offer's: the first side the move is for.
    let movers = access.movers();
    let checked = movers
        .iter()
        .map(|mover| {
            (
                *mover,
                workflow::check(from, to, *mover, request.hire_starts_on, reason),
            )
        })
        .find(|(_, r)| !matches!(r, Err(workflow::MoveError::NotYours { .. })))
        .or_else(|| {
            movers.first().map(|mover| {
                (
                    *mover,
                    workflow::check(from, to, *mover, request.hire_starts_on, reason),
                )
            })
        });
    let Some((mover, checked)) = checked else {
        return Err(forbidden("you may not move this referral".to_string()));
    };
    checked.map_err(|err| match err {
        workflow::MoveError::NotYours { .. } => ApiError::Forbidden(err.to_string()),
        workflow::MoveError::NotAllowed { .. } => ApiError::field("/to", err.to_string()),
        workflow::MoveError::StartDateMissing => {
            ApiError::field("/hire_starts_on", err.to_string())
        }
        workflow::MoveError::ReasonMissing => ApiError::field("/not_hired_reason", err.to_string()),
        workflow::MoveError::StopReasonMissing | workflow::MoveError::AbandonReasonMissing => {
            ApiError::field("/reason", err.to_string())
        }
    })?;
    let problems: Vec<FieldProblem> = [
        paragraph_field("/note", request.note.as_deref(), model::text::NOTE_CHARS),
        date_field("/hire_starts_on", request.hire_starts_on),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
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
        json!({ "from": from.as_str(), "to": to.as_str(), "as": mover.describe() }),
    );
    let moved = transition(
        &state,
        &TransitionRequest {
            referral_id: id,
            from,
            to,
            by: Some(principal.user.id),
            note: request.note.clone(),
            hire_starts_on: request.hire_starts_on,
            not_hired_reason: request.not_hired_reason.clone(),
        },
        &audited,
        state.now(),
    )
    .await?;
    Ok(Json(referral_view(&moved)))
}

/// A move of a referral that names nobody (the person's own, the system's): no hire, no
/// reason, and only the note given.
pub(crate) fn unnamed_move(
    referral: &Referral,
    to: ReferralState,
    note: Option<String>,
) -> TransitionRequest {
    TransitionRequest {
        referral_id: referral.id,
        from: referral.state,
        to,
        by: None,
        note,
        hire_starts_on: None,
        not_hired_reason: None,
    }
}

/// Moves a referral and appends its audit event in the same transaction, and counts both.
pub(crate) async fn transition(
    state: &AppState,
    request: &TransitionRequest,
    audited: &NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Referral, store::StoreError> {
    let moved = state
        .store
        .transition_referral(request, Some(audited), now)
        .await?;
    state.metrics.referral_moves.inc();
    state.metrics.audit_events.inc();
    Ok(moved)
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
            detail: json!({ "from": referral.state.as_str(), "days": days }),
        };
        let note = Some(format!("no move for {days} days"));
        let moved = transition(
            state,
            &unnamed_move(&referral, ReferralState::Expired, note),
            &audited,
            now,
        )
        .await;
        match moved {
            Ok(_) => expired += 1,
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
        match crate::actions::invitations::expire_invitations(&state, state.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "invitations to actions expired"),
            Err(err) => tracing::error!(error = %err, "invitation expiry failed"),
        }
    }
}
