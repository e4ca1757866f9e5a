//! The person's own space: a job seeker signs in with a one-time pass — a link sent to their
//! e-mail through the outbox, or a code their advisor gives them —, sees the proposals made to
//! them and answers them under the same workflow rules and audit as their advisor, sets the
//! scope of their consent and the statuses they disclose, reads who accessed their data, and
//! downloads all of it (GDPR art. 15 and 20).
//!
//! A pass is a secret of 256 bits (a link) or of 50 bits (a code, typed by hand: ten
//! characters of an alphabet without look-alikes), stored as its SHA-256, short-lived (30
//! minutes for a link, 72 hours for a code) and used once. Presenting one opens a session of
//! the person's own (its cookie, `passerelle_espace`, distinct from the accounts' session) with
//! its anti-forgery token. Every refused presentation (unknown, used, expired) is audited, and
//! requests are paced by the sign-in throttle. The page a link opens asks for a click before
//! using the pass, so that a mail scanner following links does not use it up. The link carries
//! its secret in the query string (`/espace/lien?jeton=`), which request logs never hold.

pub(crate) mod api;
pub(crate) mod data;
pub(crate) mod duos;
pub(crate) mod pages;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use chrono::Duration;
use model::TokenHash;
use model::people::{PassCheck, PassKind, PersonSession};
use serde_json::json;

use crate::AppState;
use crate::api::Actor;
use crate::auth;
use crate::error::ApiError;

/// The cookie of a person's session.
pub const PERSON_COOKIE: &str = "passerelle_espace";
/// How long a link sent by e-mail may be used.
pub const LINK_MINUTES: i64 = 30;
/// How long a code given by an advisor may be used.
pub const CODE_HOURS: i64 = 72;
/// How long a person's session lasts (a shared computer is likely: short).
pub const SESSION_HOURS: i64 = 2;
/// The code's alphabet: no 0/O, 1/I/L, nothing to mistype when read aloud.
const CODE_ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters of a code (31^10 ≈ 2^49.5).
const CODE_CHARS: usize = 10;

/// A signed-in job seeker (their own space).
pub struct Person {
    pub job_seeker: model::JobSeeker,
    pub session: PersonSession,
}

impl Person {
    pub(crate) fn actor(&self) -> Actor {
        Actor::Person(self.job_seeker.id)
    }
}

impl FromRequestParts<Arc<AppState>> for Person {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let secret = auth::cookie(&parts.headers, PERSON_COOKIE)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthenticated(
                    "sign in to your space first (POST /api/v1/person/session)".to_string(),
                )
            })?;
        let now = state.now();
        let session = state
            .store
            .person_session(&TokenHash::of_token(secret), now)
            .await?
            .ok_or_else(|| {
                ApiError::Unauthenticated("your session has expired: sign in again".to_string())
            })?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(auth::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !auth::constant_time_eq(sent.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(ApiError::Csrf);
            }
        }
        let job_seeker = state
            .store
            .job_seeker_by_id(session.job_seeker_id)
            .await?
            .ok_or_else(|| ApiError::Unauthenticated("this space no longer exists".to_string()))?;
        Ok(Person {
            job_seeker,
            session,
        })
    }
}

/// A new code for a person to type: ten characters of [`CODE_ALPHABET`], shown in two groups.
pub fn new_code() -> Result<String, ApiError> {
    let mut code = String::with_capacity(CODE_CHARS + 1);
    let alphabet = CODE_ALPHABET.len() as u8;
    // Rejection sampling: bytes past the last whole multiple of the alphabet are drawn again,
    // so that every character is equally likely.
    let limit = u8::MAX - (u8::MAX % alphabet);
    while code.chars().filter(|c| *c != '-').count() < CODE_CHARS {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|err| ApiError::Internal(format!("no randomness available: {err}")))?;
        for byte in bytes {
            if byte >= limit {
                continue;
            }
            let letters = code.chars().filter(|c| *c != '-').count();
            if letters == CODE_CHARS {
                break;
            }
            if letters == CODE_CHARS / 2 && !code.ends_with('-') {
                code.push('-');
            }
            if let Some(c) = CODE_ALPHABET.get(usize::from(byte % alphabet)) {
                code.push(char::from(*c));
            }
        }
    }
    Ok(code)
}

/// A pass as typed or followed: a link's token (64 hex digits) as it is, a code upper-cased
/// with its spaces and hyphens removed. `None` when it can be neither.
pub fn normalise_pass(text: &str) -> Option<String> {
    let text = text.trim();
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(text.to_ascii_lowercase());
    }
    let code: String = text
        .chars()
        // Spaces of any kind (a no-break space pasted from a message) and dashes of any kind
        // (a word processor's en dash) separate the groups; none is part of the code.
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.chars().count() == CODE_CHARS && code.bytes().all(|b| CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

/// Why a pass was refused, in the person's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Used,
    Expired,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Unknown => "unknown",
            Refusal::Used => "used",
            Refusal::Expired => "expired",
        }
    }

    /// What the person reads.
    pub fn french(self) -> &'static str {
        match self {
            Refusal::Unknown => {
                "Ce lien ou ce code n'est pas reconnu. Vérifiez-le, ou demandez-en un nouveau."
            }
            Refusal::Used => {
                "Ce lien ou ce code a déjà servi : chacun ne sert qu'une fois. Demandez-en un \
                 nouveau."
            }
            Refusal::Expired => {
                "Ce lien ou ce code a expiré (un lien vaut 30 minutes, un code 72 heures). \
                 Demandez-en un nouveau."
            }
        }
    }
}

/// A session opened by a pass: the cookie's secret and the anti-forgery token.
pub struct Opened {
    pub secret: String,
    pub csrf: String,
    pub job_seeker_id: i64,
}

/// Presents a pass: a valid one opens a session; a refused one is audited (with the person,
/// when the pass was theirs) and said why.
pub async fn open_with_pass(
    state: &AppState,
    text: &str,
) -> Result<Result<Opened, Refusal>, ApiError> {
    let now = state.now();
    let check = match normalise_pass(text) {
        Some(pass) => {
            state
                .store
                .use_pass(&TokenHash::of_token(&pass), now)
                .await?
        }
        None => PassCheck::Unknown,
    };
    let (job_seeker_id, kind) = match check {
        PassCheck::Valid {
            job_seeker_id,
            kind,
        } => (job_seeker_id, kind),
        refused => {
            let (refusal, person) = match refused {
                PassCheck::Used { job_seeker_id } => (Refusal::Used, Some(job_seeker_id)),
                PassCheck::Expired { job_seeker_id } => (Refusal::Expired, Some(job_seeker_id)),
                _ => (Refusal::Unknown, None),
            };
            state
                .audit_one(model::NewAuditEvent {
                    actor: None,
                    action: "person.sign_in_refused".to_string(),
                    subject_kind: "job_seeker".to_string(),
                    subject_id: person,
                    detail: json!({ "reason": refusal.as_str() }),
                })
                .await?;
            return Ok(Err(refusal));
        }
    };
    let secret = auth::new_secret()?;
    let csrf = auth::new_secret()?;
    state
        .store
        .create_person_session(
            job_seeker_id,
            &TokenHash::of_token(&secret),
            &csrf,
            now + Duration::hours(SESSION_HOURS),
            now,
        )
        .await?;
    state
        .audit_one(Actor::Person(job_seeker_id).event(
            "person.sign_in",
            "job_seeker",
            job_seeker_id,
            json!({ "pass": kind.as_str() }),
        ))
        .await?;
    Ok(Ok(Opened {
        secret,
        csrf,
        job_seeker_id,
    }))
}

/// Sends a sign-in link to every job seeker with this e-mail (at most three), through the
/// outbox. Says nothing of whether the address is known: the answer is the same.
pub async fn send_links(state: &AppState, email: &str) -> Result<usize, ApiError> {
    let now = state.now();
    let people = state.store.job_seekers_by_email(email, 3).await?;
    for id in &people {
        let Some(seeker) = state.store.job_seeker_by_id(*id).await? else {
            continue;
        };
        let Some(address) = seeker.record.email.as_ref() else {
            continue;
        };
        let token = auth::new_secret()?;
        state
            .store
            .issue_pass(
                seeker.id,
                PassKind::Link,
                &TokenHash::of_token(&token),
                None,
                now + Duration::minutes(LINK_MINUTES),
                now,
            )
            .await?;
        let link = format!(
            "{}/espace/lien?jeton={token}",
            state.config.public_url.trim_end_matches('/')
        );
        let body = format!(
            "Bonjour {},\n\nVous avez demandé à accéder à votre espace Passerelle, où vous \
             retrouvez les propositions qui vous sont faites, votre consentement et vos \
             données.\n\nOuvrez ce lien dans les {LINK_MINUTES} minutes ; il ne sert qu'une \
             fois :\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message : personne \
             n'accède à votre espace sans ce lien.\n\nPasserelle — France Travail et les \
             agences d'emploi\n",
            seeker.record.first_name.as_str()
        );
        state
            .store
            .queue_message(
                &model::NewMessage {
                    recipient: address.as_str().to_string(),
                    subject: "Votre lien de connexion à Passerelle".to_string(),
                    body,
                    calendar: None,
                },
                now,
            )
            .await?;
        state
            .audit_one(model::NewAuditEvent {
                actor: None,
                action: "person.link_sent".to_string(),
                subject_kind: "job_seeker".to_string(),
                subject_id: Some(seeker.id),
                detail: json!({ "valid_minutes": LINK_MINUTES }),
            })
            .await?;
    }
    Ok(people.len())
}

/// The `Set-Cookie` value of a person's session (or its end, with an empty secret).
pub fn person_cookie(secret: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{PERSON_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A `Set-Cookie` header value.
pub(crate) fn set_cookie(
    value: &str,
) -> Result<(header::HeaderName, header::HeaderValue), ApiError> {
    header::HeaderValue::from_str(value)
        .map(|v| (header::SET_COOKIE, v))
        .map_err(|err| ApiError::Internal(format!("cookie: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_characters_of_the_alphabet_in_two_groups() {
        for _ in 0..200 {
            let code = new_code().unwrap();
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(code.chars().nth(5), Some('-'), "{code}");
            assert!(
                code.bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| CODE_ALPHABET.contains(&b))
            );
            assert_eq!(normalise_pass(&code).map(|c| c.len()), Some(10));
        }
        assert_ne!(new_code().unwrap(), new_code().unwrap());
    }

    #[test]
    fn passes_are_read_as_typed() {
        assert_eq!(
            normalise_pass(" abcde-fghjk ").as_deref(),
            Some("ABCDEFGHJK")
        );
        assert_eq!(normalise_pass("ABCDE FGHJK").as_deref(), Some("ABCDEFGHJK"));
        // Pasted from a message or a word processor: a no-break space, an en dash.
        assert_eq!(
            normalise_pass("ABCDE\u{00A0}FGHJK").as_deref(),
            Some("ABCDEFGHJK")
        );
        assert_eq!(
            normalise_pass("abcde\u{2013}fghjk").as_deref(),
            Some("ABCDEFGHJK")
        );
        // A look-alike is not in the alphabet: refused rather than guessed.
        assert_eq!(normalise_pass("ABCDE-FGHJ0"), None);
        assert_eq!(normalise_pass("ABCD"), None);
        let link = "A".repeat(64);
        assert_eq!(normalise_pass(&link), Some("a".repeat(64)));
        assert_eq!(normalise_pass(&"g".repeat(64)), None);
        assert_eq!(normalise_pass(""), None);
    }
}
