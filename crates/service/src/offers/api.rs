//! Offers (listed, pushed in France Travail's JSON, read) and their shortlists.

use crate::api::*;

/// How many people every served shortlist holds: the priority policy chooses them, and they
/// are shown in the order of their pseudonyms, without score. One length for every reader and
/// request, so that no one can compare lists of different lengths (nor a merit with a rank) to
/// learn whom the policy brought in, and so who holds a status (the probes' oracle): a request
/// for fewer gets the first of these.
pub const SHORTLIST_LENGTH: usize = 20;

/// The most offers one push or one file import may hold: a bigger file is sent in parts, so
/// that no request holds the database for long.
pub const MAX_OFFERS_PER_REQUEST: usize = 5_000;

/// The offers of a structure, by id, a page at a time.
#[utoipa::path(get, path = "/api/v1/offers", tag = "offers", params(StructureQuery, Page),
    responses((status = 200, body = Vec<OfferView>), (status = 403, body = Problem)))]
pub(crate) async fn list_offers(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<StructureQuery>,
    QueryParams(page): QueryParams<Page>,
) -> AppResult<Json<Vec<OfferView>>> {
    let limit = page_limit(page.limit)?;
    let (structure, _) = query
        .listing(&state, &principal, Resource::Offers, Verb::Read)
        .await?;
    let mut offers = state.store.offers_of_structure(structure).await?;
    offers.sort_unstable_by_key(|o| o.id);
    Ok(Json(
        offers
            .iter()
            .filter(|o| o.id > page.after)
            .take(limit as usize)
            .map(offer_view)
            .collect(),
    ))
}

/// How many referrals are in one state.
#[derive(Debug, Serialize, ToSchema)]
pub struct StateCountView {
    /// proposed, accepted, declined, interview, hired, not_hired, cancelled, expired
    pub state: String,
    pub count: u64,
}

/// An open offer and how many referrals it has had.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardOfferView {
    pub offer: OfferView,
    pub referrals: u64,
}

/// A structure's dashboard, counted by the database.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub structure_id: i64,
    /// The structure's open offers.
    pub open_offers: u64,
    /// Of those, the ones no referral was ever made to.
    pub open_without_referral: u64,
    /// The referrals to the structure's offers (open or closed), for every state.
    pub referrals_by_state: Vec<StateCountView>,
    pub total_referrals: u64,
    /// One page of the open offers, by id.
    pub open: Vec<DashboardOfferView>,
    /// The first ten open offers without any referral, by id.
    pub without_referral: Vec<OfferView>,
}

/// How many offers without referral a dashboard lists.
const WITHOUT_REFERRAL_SHOWN: u32 = 10;

/// The dashboard of the offers a recruiter manages: their open offers (one page, with their
/// referral counts), those still without a candidate, and the referrals by state.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "offers", params(StructureQuery, OffsetPage),
    responses((status = 200, body = DashboardView), (status = 403, body = Problem)))]
pub(crate) async fn dashboard(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<StructureQuery>,
    QueryParams(page): QueryParams<OffsetPage>,
) -> AppResult<Json<DashboardView>> {
    let (offset, limit) = page.checked()?;
    let (structure, _) = query
        .listing(&state, &principal, Resource::Offers, Verb::Write)
        .await?;
    let counted = state
        .store
        .offer_dashboard(&model::dashboard::DashboardQuery {
            structure_id: structure,
            offset,
            limit,
            without_limit: WITHOUT_REFERRAL_SHOWN,
        })
        .await?;
    Ok(Json(DashboardView {
        structure_id: structure,
        open_offers: counted.open_offers,
        open_without_referral: counted.open_without_referral,
        total_referrals: counted.total_referrals(),
        referrals_by_state: counted
            .referrals_by_state
            .iter()
            .map(|(state, count)| StateCountView {
                state: state.as_str().to_string(),
                count: *count,
            })
            .collect(),
        open: counted
            .open
            .iter()
            .map(|(offer, referrals)| DashboardOfferView {
                offer: offer_view(offer),
                referrals: *referrals,
            })
            .collect(),
        without_referral: counted.without_referral.iter().map(offer_view).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// The offers written, in the order of the body.
    pub offers: Vec<OfferView>,
    /// What was written with a remark: a `salaire.libelle` that cannot be read as a wage is
    /// kept as written, and the offer has no numeric wage (`/3/salaire/libelle`).
    pub notes: Vec<crate::error::FieldProblem>,
}

/// Creates or updates offers, in France Travail's *Offres d'emploi v2* JSON (an array of
/// offers, or an object with a `resultats` array): what applicant-tracking systems push. All
/// are written or none: any wrong field is a 422 naming it (`/0/lieuTravail/commune`).
#[utoipa::path(post, path = "/api/v1/offers", tag = "offers", params(StructureQuery),
    request_body(content = Object, description = "France Travail Offres d'emploi v2 JSON"),
    responses((status = 200, body = PushReport), (status = 403, body = Problem),
              (status = 413, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn push_offers(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<StructureQuery>,
    request: axum::extract::Request,
) -> AppResult<Json<PushReport>> {
    let (structure, _) = query
        .listing(&state, &principal, Resource::Offers, Verb::Write)
        .await?;
    let bytes = crate::json::read_body(request, &()).await?;
    let siret = state.structure_siret(structure).await?;
    let owner = domain::Siret::parse(&siret)
        .map_err(|err| ApiError::Internal(format!("stored SIRET: {err}")))?;
    // Reading is CPU work: on the blocking pool, never on the async workers.
    let reader_owner = owner.clone();
    let rows = tokio::task::spawn_blocking(move || {
        exchange::offers_json::read(&bytes, Some(&reader_owner))
    })
    .await
    .map_err(|err| ApiError::Internal(format!("reading offers: {err}")))?
    .map_err(|err| ApiError::field("", err.to_string()))?;
    if rows.len() > MAX_OFFERS_PER_REQUEST {
        return Err(ApiError::field(
            "",
            format!(
                "{} offers: at most {MAX_OFFERS_PER_REQUEST} per request; send them in parts",
                rows.len()
            ),
        ));
    }
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
    Ok(Json(
        store_offers(&state, &principal, structure, &records).await?,
    ))
}

/// Writes offers checked to belong to `structure`, takes them into the engine and audits the
/// write: what a push, a form and a file import share.
pub(crate) async fn store_offers(
    state: &AppState,
    principal: &Principal,
    structure: i64,
    records: &[model::OfferRecord],
) -> AppResult<PushReport> {
    let siret = state.structure_siret(structure).await?;
    let owner = domain::Siret::parse(&siret)
        .map_err(|err| ApiError::Internal(format!("stored SIRET: {err}")))?;
    let report = state.store.upsert_offers(records, state.now()).await?;
    if let Some((position, reason)) = report.rejected.first() {
        return Err(ApiError::field(format!("/{position}"), reason.clone()));
    }
    let mut written = Vec::with_capacity(records.len());
    for record in records {
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
    let detail = json!({
        "created": report.created, "updated": report.updated,
        "unchanged": report.unchanged,
    });
    state
        .audit_one(principal.event("offers.push", "structure", structure, detail))
        .await?;
    let notes = records
        .iter()
        .enumerate()
        .filter_map(|(i, record)| {
            let note = exchange::wage::notice(record)?;
            Some(crate::error::FieldProblem {
                path: format!("/{i}/{}", note.field.replace('.', "/")),
                message: note.reason,
            })
        })
        .collect();
    Ok(PushReport {
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        offers: written.iter().map(offer_view).collect(),
        notes,
    })
}

/// One offer.
#[utoipa::path(get, path = "/api/v1/offers/{id}", tag = "offers",
    params(("id" = i64, Path, description = "offer id")),
    responses((status = 200, body = OfferView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn get_offer(
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

/// The best candidates for an offer, pseudonymous: the twenty people the priority policy in
/// force today in the offer's department chooses (named in the answer), in the order of their
/// pseudonyms, with how each matches (the occupation, a band of distance) but no score nor rank
/// of merit, which would tell whom the policy brought in; `k` asks for the first of them. A request sets no policy and
/// cannot turn it off (an unknown parameter, such as `fair` or `floors`, is a 422).
#[utoipa::path(get, path = "/api/v1/offers/{id}/shortlist", tag = "offers",
    params(("id" = i64, Path, description = "offer id"), ShortlistQuery),
    responses((status = 200, body = ShortlistView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem),
              (status = 409, body = Problem, description = "The offer is not open: no shortlist")))]
pub(crate) async fn shortlist(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    QueryParams(query): QueryParams<ShortlistQuery>,
) -> AppResult<Json<ShortlistView>> {
    let k = query.k.unwrap_or(SHORTLIST_LENGTH);
    if !(1..=SHORTLIST_LENGTH).contains(&k) {
        return Err(ApiError::field(
            "?k",
            format!("{k}: between 1 and {SHORTLIST_LENGTH}"),
        ));
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
    // The territory's policy applies to every reader alike: no request chooses it or turns it
    // off (a reader who could compare a list with and without one would learn who holds a
    // status).
    let today = state.now().date_naive();
    // Ranking is CPU work: on the blocking pool, never on the async workers.
    let worker = state.clone();
    let (view, adjustment, department, holders) = tokio::task::spawn_blocking(move || {
        let sourcing = worker.sourcing.read().unwrap_or_else(|e| e.into_inner());
        let department = sourcing.engine.offer_department(id).map(str::to_string);
        let (in_force, policy) =
            worker.policy_for(department.as_deref(), today, SHORTLIST_LENGTH)?;
        let mut shortlist = sourcing
            .engine
            .shortlist(
                id,
                &ShortlistRequest {
                    k: SHORTLIST_LENGTH,
                    today,
                    policy: Some(&policy),
                    exposure: false,
                },
            )
            .map_err(|err| ApiError::Conflict(format!("offer {id}: {err}")))?;
        neutral_order(&mut shortlist.entries, &sourcing.pseudonyms, k);
        let holders = shortlist.holders(&sourcing.engine);
        let mut view = shortlist_view(&sourcing, &shortlist);
        view.policy = Some(crate::policies::api::PolicyView::in_force(&in_force));
        Ok::<_, ApiError>((view, shortlist.adjustment, department, holders))
    })
    .await
    .map_err(|err| ApiError::Internal(format!("shortlist of offer {id}: {err}")))??;
    if let (Some(owner), Some(department)) = (owner, department) {
        state.count_shortlist(owner, department, view.candidates.len(), holders);
    }
    // Who the policy moved goes to the audit trail (in the next batch), never to the reader.
    if let Some(adjustment) = adjustment.filter(|a| !a.moves.is_empty() || !a.unmet.is_empty()) {
        state.audit_rerank(
            Some(principal.user.id),
            id,
            serde_json::to_value(&adjustment).unwrap_or_default(),
        );
    }
    Ok(Json(view))
}

/// The people of a shortlist in the order of their pseudonyms (random, stable), the first `k`.
/// Neither their order nor a score tells their merit: the people the policy brought in would
/// otherwise be the lowest-scored, and so known to hold a status (found by the probes).
pub fn neutral_order(
    entries: &mut Vec<engine::Entry>,
    pseudonyms: &std::collections::HashMap<i64, String>,
    k: usize,
) {
    let name = |e: &engine::Entry| pseudonyms.get(&e.job_seeker_id).map_or("", String::as_str);
    entries.sort_by(|a, b| {
        name(a)
            .cmp(name(b))
            .then(a.job_seeker_id.cmp(&b.job_seeker_id))
    });
    entries.truncate(k);
    for (i, entry) in entries.iter_mut().enumerate() {
        entry.rank = i + 1;
    }
}

/// How far someone lives from the workplace, in bands: the exact distance would tell their
/// merit (it is a part of the score).
pub(crate) fn distance_band(km: f64) -> &'static str {
    if km < 5.0 {
        "under_5_km"
    } else if km < 15.0 {
        "5_to_15_km"
    } else if km < 30.0 {
        "15_to_30_km"
    } else {
        "over_30_km"
    }
}

pub(crate) fn shortlist_view(
    sourcing: &crate::Loaded,
    shortlist: &engine::Shortlist,
) -> ShortlistView {
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
            distance: distance_band(e.distance_km).to_string(),
            matched_rome: e.matched_rome.to_string(),
            match_kind: match_kind(e.match_kind),
        })
        .collect();
    ShortlistView {
        offer_id: id,
        candidates,
        policy: None,
    }
}
