//! Authentication: local accounts with argon2id passwords, session cookies carrying a random
//! secret (only its SHA-256 is stored), an anti-forgery token per session, bearer API tokens
//! for machine clients, and a throttle on failed sign-ins. No password, cookie or token is
//! ever logged: they live in types whose `Debug` hides them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use chrono::{DateTime, Duration, Utc};
use model::TokenHash;

use crate::AppState;
use crate::access::{Principal, Seat};
use crate::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "passerelle_session";
/// The header carrying the session's anti-forgery token on unsafe requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A secret from the operating system's generator, as 64 hex digits (256 bits).
pub fn new_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|err| ApiError::Internal(format!("no randomness available: {err}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The argon2id hash of a password (PHC string, OWASP's default parameters).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|err| anyhow::anyhow!("no randomness: {err}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|err| anyhow::anyhow!("salt: {err}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| anyhow::anyhow!("hashing the password: {err}"))
}

/// Whether the password matches the stored hash (a hash that does not parse matches nothing).
pub fn verify_password(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash to verify against when the account does not exist, so that a wrong email costs as
/// long as a wrong password and does not reveal which accounts exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

/// Failed sign-ins per key (an address, an account) in a sliding window: past `max` failures
/// the key must wait until the oldest leaves the window. Memory is bounded by pruning keys
/// whose failures have all left the window.
#[derive(Debug)]
pub struct Throttle {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl Throttle {
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` if any key is over its limit at `now`.
    pub fn check(&self, keys: &[String], now: DateTime<Utc>) -> Result<(), u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = 0i64;
        for key in keys {
            if let Some(times) = failures.get_mut(key) {
                while times.front().is_some_and(|t| *t + self.window <= now) {
                    times.pop_front();
                }
                if times.len() >= self.max
                    && let Some(oldest) = times.front()
                {
                    // Whole seconds, rounded up.
                    let remaining = (*oldest + self.window - now).num_milliseconds();
                    wait = wait.max((remaining + 999) / 1000);
                }
            }
        }
        if wait > 0 {
            Err(wait.unsigned_abs())
        } else {
            Ok(())
        }
    }

    pub fn fail(&self, keys: &[String], now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > 100_000 {
            let window = self.window;
            failures.retain(|_, times| times.back().is_some_and(|t| *t + window > now));
        }
        for key in keys {
            failures.entry(key.clone()).or_default().push_back(now);
        }
    }

    pub fn forgive(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(key);
    }
}

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The `Set-Cookie` value opening a session.
pub fn session_cookie(secret: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value ending a session.
pub fn cleared_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

/// The user's seats (role in a structure).
pub async fn seats_of(state: &AppState, user_id: i64) -> Result<Vec<Seat>, ApiError> {
    let memberships = state.store.memberships(user_id).await?;
    let mut seats = Vec::with_capacity(memberships.len());
    for m in memberships {
        let siret = state.structure_siret(m.structure_id).await?;
        seats.push(Seat {
            role: m.role,
            structure_id: m.structure_id,
            siret,
        });
    }
    Ok(seats)
}

impl FromRequestParts<Arc<AppState>> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let now = state.now();
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(|| {
                    ApiError::Unauthenticated(
                        "the Authorization header must be `Bearer TOKEN`".to_string(),
                    )
                })?;
            let (user, _) = state
                .store
                .user_by_token(&TokenHash::of_token(token.trim()), now)
                .await?
                .ok_or_else(|| {
                    ApiError::Unauthenticated("unknown, revoked or expired API token".to_string())
                })?;
            let seats = seats_of(state, user.id).await?;
            return Ok(Principal {
                user,
                seats,
                csrf_token: None,
            });
        }
        let secret = cookie(&parts.headers, SESSION_COOKIE)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthenticated(
                    "sign in first (POST /api/v1/session) or send an API token".to_string(),
                )
            })?;
        let (user, session) = state
            .store
            .session(&TokenHash::of_token(secret), now)
            .await?
            .ok_or_else(|| {
                ApiError::Unauthenticated("the session has expired: sign in again".to_string())
            })?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !constant_time_eq(sent.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(ApiError::Csrf);
            }
        }
        let seats = seats_of(state, user.id).await?;
        Ok(Principal {
            user,
            seats,
            csrf_token: Some(session.csrf_token),
        })
    }
}

/// Compares secrets without leaking, through timing, how much of them matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horsE"));
        assert!(!verify_password("not a hash", "correct horse"));
    }

    #[test]
    fn the_throttle_refuses_past_the_limit_until_the_window_passes() {
        let throttle = Throttle::new(3, Duration::minutes(15));
        let t0 = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        let keys = vec!["ip:1".to_string(), "email:a".to_string()];
        for i in 0..3 {
            assert_eq!(throttle.check(&keys, t0), Ok(()));
            throttle.fail(&keys, t0 + Duration::seconds(i));
        }
        assert_eq!(throttle.check(&keys, t0 + Duration::seconds(10)), Err(890));
        assert_eq!(throttle.check(&["ip:2".to_string()], t0), Ok(()));
        assert_eq!(throttle.check(&keys, t0 + Duration::minutes(15)), Ok(()));
        throttle.forgive("email:a");
        assert!(throttle.check(&["email:a".to_string()], t0).is_ok());
    }

    #[test]
    fn secrets_are_long_and_different() {
        let a = new_secret().unwrap();
        let b = new_secret().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
