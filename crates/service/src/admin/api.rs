//! The audit trail and its verification, and accounts.

use crate::api::*;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only events of this user (id).
    pub actor: Option<i64>,
    /// Only this action: job_seeker.read, referral.move, session.open...
    pub action: Option<String>,
    /// Only events about this kind of record: job_seeker, referral, offer, user...
    pub subject_kind: Option<String>,
    /// Only events about this record (with subject_kind).
    pub subject_id: Option<i64>,
    /// At or after this time (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

/// The audit trail, oldest first, filtered.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(Page, AuditFilter),
    responses((status = 200, body = Vec<AuditEventView>), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn list_audit(
    State(state): St,
    principal: Principal,
    QueryParams(page): QueryParams<Page>,
    QueryParams(filter): QueryParams<AuditFilter>,
) -> AppResult<Json<Vec<AuditEventView>>> {
    principal
        .grant(Resource::AuditTrail, Verb::Read, None)
        .map_err(forbidden)?;
    // What the priority policy changed in the lists served lately is written first.
    state.flush_rerank_events().await?;
    let limit = page_limit(page.limit)?;
    if filter.subject_id.is_some() && filter.subject_kind.is_none() {
        return Err(ApiError::field(
            "?subject_kind",
            "required with subject_id: job_seeker, referral, offer, user...",
        ));
    }
    let problems: Vec<FieldProblem> = [
        line_field("?action", filter.action.as_deref(), model::text::NAME_CHARS),
        line_field(
            "?subject_kind",
            filter.subject_kind.as_deref(),
            model::text::NAME_CHARS,
        ),
        date_field("?from", filter.from.map(|t| t.date_naive())),
        date_field("?to", filter.to.map(|t| t.date_naive())),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    let query = model::AuditQuery {
        actor: filter.actor,
        action: filter.action,
        subject_kind: filter.subject_kind,
        subject_id: filter.subject_id,
        from: filter.from,
        to: filter.to,
    };
    let events = state.store.query_audit(&query, page.after, limit).await?;
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
pub(crate) async fn verify_audit(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<ChainReport>> {
    principal
        .grant(Resource::AuditTrail, Verb::Read, None)
        .map_err(forbidden)?;
    Ok(Json(verify_chain(state.store.as_ref()).await?))
}

/// Every account with its roles.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = Vec<UserView>), (status = 403, body = Problem)))]
pub(crate) async fn list_users(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<Vec<UserView>>> {
    principal
        .grant(Resource::Accounts, Verb::Read, None)
        .map_err(forbidden)?;
    let users = state.store.users().await?;
    let mut views = Vec::with_capacity(users.len());
    for (user, memberships) in users {
        let mut seats = Vec::new();
        for m in memberships {
            let siret = state.structure_siret(m.structure_id).await?;
            seats.push(SeatView::new(m.role, m.structure_id, siret));
        }
        views.push(UserView::new(&user, seats));
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
pub(crate) async fn create_user(
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
    if let Some(p) = line_field(
        "/display_name",
        Some(request.display_name.trim()),
        model::text::NAME_CHARS,
    ) {
        problem(&p.path, p.message);
    }
    if let Some(reason) = auth::password_problem(&request.password) {
        problem("/password", reason.to_string());
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
    if let (Some(role), Some(id)) = (role, structure) {
        let kind = state.store.structure(id).await?.map(|s| s.record.kind);
        if let Some(kind) = kind.filter(|k| !role.fits(*k)) {
            problem(
                "/role",
                format!(
                    "a seat of role {role} cannot be in a structure of kind {kind}: expected a structure \
                     of kind {}",
                    kinds_of(role)
                ),
            );
        }
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
            store::StoreError::Duplicate { .. } => {
                ApiError::Conflict("an account with this email exists".to_string())
            }
            other => other.into(),
        })?;
    state
        .store
        .set_membership(user.id, structure, role, now)
        .await?;
    let detail = json!({ "role": role.as_str(), "structure": structure });
    state
        .audit_one(principal.event("account.create", "user", user.id, detail))
        .await?;
    let seat = SeatView::new(role, structure, state.structure_siret(structure).await?);
    Ok((StatusCode::CREATED, Json(UserView::new(&user, vec![seat]))))
}

/// What a structure search asks.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StructureSearch {
    /// Words found in the structure's name, SIRET or network (case and accents ignored).
    pub q: Option<String>,
    /// How many to skip (0 to 1,000,000).
    pub offset: Option<u64>,
    /// At most this many (1 to 500, default 50).
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StructureSummary {
    pub id: i64,
    pub siret: String,
    pub name: String,
    /// france_travail, agence_emploi, cap_emploi, mission_locale, akto, fastt or other.
    pub kind: String,
    pub network: Option<String>,
    /// INSEE code of its commune.
    pub commune: String,
    /// active or closed.
    pub status: String,
}

/// One page of a structure search, and how many structures match in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct StructurePage {
    pub total: u64,
    pub structures: Vec<StructureSummary>,
}

/// The structures of both networks and the partners, for the administrators: searched,
/// sorted by name and paged by the database.
#[utoipa::path(get, path = "/api/v1/structures", tag = "accounts", params(StructureSearch),
    responses((status = 200, body = StructurePage), (status = 403, body = Problem)))]
pub(crate) async fn search_structures(
    State(state): St,
    principal: Principal,
    QueryParams(search): QueryParams<StructureSearch>,
) -> AppResult<Json<StructurePage>> {
    principal
        .grant(Resource::Accounts, Verb::Read, None)
        .map_err(forbidden)?;
    let limit = page_limit(search.limit)?;
    let offset = page_offset(search.offset)?;
    let words = search_words(search.q.as_deref(), 10)?;
    let (total, found) = state.store.search_structures(&words, offset, limit).await?;
    Ok(Json(StructurePage {
        total,
        structures: found
            .into_iter()
            .map(|s| StructureSummary {
                id: s.id,
                siret: s.record.siret.as_str().to_string(),
                name: s.record.name,
                kind: s.record.kind.as_str().to_string(),
                network: s.record.network,
                commune: s.record.commune.as_str().to_string(),
                status: s.record.status.as_str().to_string(),
            })
            .collect(),
    }))
}

/// The kinds of structure a role's seat may be in, for messages.
pub(crate) fn kinds_of(role: model::Role) -> String {
    role.structure_kinds()
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(" or ")
}
