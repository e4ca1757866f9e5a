//! Signing in and out, and where each user lands.

use super::*;

pub(super) async fn home(viewer: Result<Viewer, Response>) -> Response {
    match viewer {
        Ok(Viewer(p)) => Redirect::to(landing(&p)).into_response(),
        Err(_) => Redirect::to("/connexion").into_response(),
    }
}

/// The first page of a user: the one of their main role.
fn landing(principal: &Principal) -> &'static str {
    if principal.grant(Resource::Offers, Verb::Write, None).is_ok() {
        "/tableau-de-bord"
    } else if principal
        .grants(Resource::JobSeekers, Verb::Read)
        .iter()
        .any(|g| g.rule.reach == crate::access::Reach::Own)
    {
        "/demandeurs"
    } else if !principal.grants(Resource::Accounts, Verb::Read).is_empty() {
        "/admin/utilisateurs"
    } else if !principal
        .grants(Resource::Indicators, Verb::Read)
        .is_empty()
    {
        "/pilotage"
    } else if !principal.grants(Resource::Directory, Verb::Read).is_empty() {
        "/annuaire"
    } else {
        "/mises-en-relation"
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    fields: Vec<Field>,
    error: Option<String>,
    next: String,
}

#[derive(Deserialize)]
pub(super) struct SignInQuery {
    suite: Option<String>,
}

/// Only a path of this site may follow sign-in or a form (no open redirect): it starts with
/// one `/` and holds only the characters of a path and query that need no escaping in a
/// header (letters, digits, `/-_.~?=&#%+,:@`). Browsers drop tabs and line breaks from a
/// URL, so `/\t/evil.example` would be `//evil.example`; a CR or LF would not even make a
/// header. Anything else is no path at all.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/-_.~?=&#%+,:@".contains(c);
    match next {
        Some(n)
            if n.len() <= 2048
                && n.starts_with('/')
                && !n.starts_with("//")
                && n.chars().all(safe) =>
        {
            n.to_string()
        }
        _ => String::new(),
    }
}

fn sign_in_fields(email: &str) -> Vec<Field> {
    vec![
        Field::text("email", "Adresse électronique", email)
            .kind("email")
            .hint("Format attendu : nom@domaine.fr")
            .autocomplete("username")
            .required(),
        Field::text("password", "Mot de passe", "")
            .kind("password")
            .autocomplete("current-password")
            .required(),
    ]
}

pub(super) async fn sign_in_form(PageQuery(query): PageQuery<SignInQuery>) -> Response {
    render(&SignInPage {
        chrome: Chrome::anonymous("Connexion"),
        fields: sign_in_fields(""),
        error: None,
        next: safe_next(query.suite.as_deref()),
    })
}

#[derive(Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    suite: String,
}

pub(super) async fn sign_in(
    State(state): St,
    peer: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    crate::json::PageForm(form): crate::json::PageForm<SignInForm>,
) -> Response {
    let next = safe_next(Some(&form.suite));
    let mut fields = sign_in_fields(&form.email);
    let mut missing = false;
    for (field, value) in fields.iter_mut().zip([&form.email, &form.password]) {
        if value.trim().is_empty() {
            field.error = Some(format!("Renseignez le champ « {} ».", field.label));
            missing = true;
        }
    }
    let mut retry_after = None;
    if form.email.trim().chars().count() > crate::auth::MAX_EMAIL_CHARS {
        if let Some(field) = fields.iter_mut().find(|f| f.name == "email") {
            field.value = String::new();
            field.error = Some(format!(
                "Adresse trop longue : {} caractères au plus.",
                crate::auth::MAX_EMAIL_CHARS
            ));
        }
        missing = true;
    }
    let error = if missing {
        None
    } else {
        let credentials = api::session::Credentials {
            email: form.email.clone(),
            password: form.password,
        };
        match api::session::open_session(State(state.clone()), peer, headers, JsonBody(credentials))
            .await
        {
            Ok(response) => {
                let mut redirect = see_other(if next.is_empty() { "/" } else { next.as_str() });
                if let Some(cookie) = response.headers().get(header::SET_COOKIE) {
                    redirect
                        .headers_mut()
                        .insert(header::SET_COOKIE, cookie.clone());
                }
                return redirect;
            }
            Err(ApiError::Unauthenticated(_)) => {
                Some("Adresse électronique ou mot de passe incorrect.".to_string())
            }
            Err(ApiError::TooManyAttempts { retry_after_secs }) => {
                retry_after = Some(retry_after_secs);
                Some(format!(
                    "Trop de tentatives : par sécurité, réessayez dans {}.",
                    french_wait(retry_after_secs)
                ))
            }
            Err(other) => return PageError(other).into_response(),
        }
    };
    let mut response = render(&SignInPage {
        chrome: Chrome::anonymous("Connexion"),
        fields,
        error,
        next,
    });
    match retry_after {
        Some(secs) => {
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            if let Ok(value) = header::HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        None => *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY,
    }
    response
}

/// A wait in French: « 45 secondes », « 2 minutes ».
fn french_wait(secs: u64) -> String {
    match secs {
        0 | 1 => "1 seconde".to_string(),
        2..=90 => format!("{secs} secondes"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

pub(super) async fn sign_out(
    State(state): St,
    Viewer(principal): Viewer,
    headers: HeaderMap,
) -> Response {
    match api::session::close_session(State(state), principal, headers).await {
        Ok(response) => {
            let mut redirect = Redirect::to("/connexion").into_response();
            if let Some(cookie) = response.headers().get(header::SET_COOKIE) {
                redirect
                    .headers_mut()
                    .insert(header::SET_COOKIE, cookie.clone());
            }
            redirect
        }
        Err(err) => PageError(err).into_response(),
    }
}
