//! Signing in and out, who is signed in, and API tokens.

use super::*;

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
pub(crate) async fn open_session(
    State(state): St,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(credentials): JsonBody<Credentials>,
) -> AppResult<Response> {
    let now = state.now();
    if credentials.email.trim().chars().count() > auth::MAX_EMAIL_CHARS {
        return Err(ApiError::field(
            "/email",
            format!("too long: at most {} characters", auth::MAX_EMAIL_CHARS),
        ));
    }
    let keys = state.throttle.keys(&credentials.email, peer.ip());
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
    state.throttle.succeed(&keys);
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
    state
        .audit_one(principal.event("session.open", "user", principal.user.id, json!({})))
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
pub(crate) fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Signs out: ends the session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn close_session(
    State(state): St,
    principal: Principal,
    headers: HeaderMap,
) -> AppResult<Response> {
    if let Some(secret) = auth::cookie(&headers, auth::SESSION_COOKIE) {
        state
            .store
            .delete_session(&TokenHash::of_token(secret))
            .await?;
    }
    state
        .audit_one(principal.event("session.close", "user", principal.user.id, json!({})))
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
pub(crate) async fn me(principal: Principal) -> Json<SessionView> {
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
pub(crate) async fn create_token(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<NewToken>,
) -> AppResult<(StatusCode, Json<TokenCreated>)> {
    if principal.csrf_token.is_none() {
        return Err(forbidden(
            "an API token is created from a signed-in session, not with another token".to_string(),
        ));
    }
    let name = request.name.trim();
    if name.is_empty() {
        return Err(ApiError::field("/name", "between 1 and 100 characters"));
    }
    if let Some(problem) = line_field("/name", Some(name), model::text::NAME_CHARS) {
        return Err(ApiError::Invalid(vec![problem]));
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
    let detail = json!({ "name": name });
    state
        .audit_one(principal.event("api_token.create", "api_token", token.id, detail))
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

#[derive(Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked token authenticates nothing.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The signed-in user's API tokens (never their secret, which is not kept).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "session",
    responses((status = 200, body = Vec<TokenView>)))]
pub(crate) async fn list_tokens(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<Vec<TokenView>>> {
    let tokens = state.store.api_tokens(principal.user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                expires_at: t.expires_at,
                revoked_at: t.revoked_at,
            })
            .collect(),
    ))
}

/// Revokes one of the user's API tokens (an administrator may revoke anyone's): it
/// authenticates nothing from this moment, on every instance.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "session",
    params(("id" = i64, Path, description = "token id")),
    responses((status = 204), (status = 404, body = Problem)))]
pub(crate) async fn revoke_token(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let owner = match principal.grant(Resource::Accounts, Verb::Write, None) {
        Ok(grant) if grant.rule.reach == Reach::Any => None,
        _ => Some(principal.user.id),
    };
    if !state.store.revoke_api_token(id, owner, state.now()).await? {
        return Err(ApiError::NotFound(format!("active token {id} of yours")));
    }
    state
        .audit_one(principal.event("api_token.revoke", "api_token", id, json!({})))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
