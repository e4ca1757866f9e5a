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
/// The least a password must hold: twelve characters, the spaces around them not counted
/// (twelve spaces are no password).
pub const PASSWORD_CHARS: usize = 12;

/// Why a new password is refused, if it is.
pub fn password_problem(password: &str) -> Option<&'static str> {
    (password.trim().chars().count() < PASSWORD_CHARS)
        .then_some("at least 12 characters, the spaces around them not counted")
}

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

/// The longest e-mail address accepted at sign-in (RFC 5321's path limit): longer is refused
/// before any lookup or count.
pub const MAX_EMAIL_CHARS: usize = 254;

/// How failed sign-ins are counted and paced: one limit per kind of key, within `window`.
///
/// - per (account, address): someone guessing one account from one place;
/// - per address: many accounts tried from one place (set high: an agency's whole office may
///   sign in through one proxy, and its users' typos must not lock each other out);
/// - per account, from anywhere: one account tried from many places.
///
/// Past a key's limit, attempts on that key are *paced*, never locked out: one attempt per
/// `pace` (from the last failure) is checked, and a correct password goes through; attempts
/// faster than that are answered 429 with the wait. So the real user is never refused their
/// own password for long, and a guesser gets one try per pace.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub per_account_and_address: usize,
    pub per_address: usize,
    pub per_account: usize,
    pub window: Duration,
    pub pace_account_and_address: Duration,
    pub pace_address: Duration,
    pub pace_account: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_account_and_address: 5,
            per_address: 100,
            per_account: 20,
            window: Duration::minutes(15),
            pace_account_and_address: Duration::seconds(60),
            pace_address: Duration::seconds(5),
            pace_account: Duration::seconds(5),
        }
    }
}

/// What a request of the person's own space asks for ([`Throttle::person_keys`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonRequest {
    /// A sign-in link sent to an address.
    Link,
    /// A link or a code presented.
    Pass,
}

/// Links one inbox gets in the throttle's window before they are paced.
pub const LINKS_PER_RECIPIENT: usize = 3;
/// Past that, one link every this many minutes.
pub const LINK_PACE_MINUTES: i64 = 5;

/// The keys of one sign-in attempt: hashes (with a secret of this process) of the account and
/// address, never the e-mail itself, so memory per key is fixed and nothing readable is kept.
#[derive(Debug, Clone)]
pub struct SignInKeys {
    keys: [([u8; 32], usize, Duration); 3],
}

/// Failed sign-ins per key in a sliding window (see [`ThrottleLimits`]). Memory is bounded by
/// pruning keys whose failures have all left the window.
#[derive(Debug)]
pub struct Throttle {
    limits: ThrottleLimits,
    secret: [u8; 32],
    failures: Mutex<HashMap<[u8; 32], VecDeque<DateTime<Utc>>>>,
}

impl Throttle {
    pub fn new(limits: ThrottleLimits) -> Self {
        let mut secret = [0u8; 32];
        // Without randomness the keys are still hashes, only predictable ones.
        let _ = getrandom::fill(&mut secret);
        Self {
            limits,
            secret,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn key(&self, kind: &str, parts: &[&str]) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        hash.update(self.secret);
        hash.update(kind.as_bytes());
        for part in parts {
            hash.update([0u8]);
            hash.update(part.as_bytes());
        }
        hash.finalize().into()
    }

    /// The keys of an attempt for this e-mail (trimmed, case folded) from this address.
    pub fn keys(&self, email: &str, address: std::net::IpAddr) -> SignInKeys {
        let email = email.trim().to_lowercase();
        let address = address.to_string();
        let l = self.limits;
        SignInKeys {
            keys: [
                (
                    self.key("pair", &[&email, &address]),
                    l.per_account_and_address,
                    l.pace_account_and_address,
                ),
                (
                    self.key("address", &[&address]),
                    l.per_address,
                    l.pace_address,
                ),
                (
                    self.key("account", &[&email]),
                    l.per_account,
                    l.pace_account,
                ),
            ],
        }
    }

    /// The keys of a request of the person's own space, apart from the staff's sign-ins (a
    /// person asking for links from an office's address never paces its advisors): `Link`
    /// for a link asked for `who` (an e-mail address, whose inbox gets at most
    /// [`LINKS_PER_RECIPIENT`] links in the window, then one every [`LINK_PACE_MINUTES`]
    /// minutes), `Pass` for a link or code presented.
    pub fn person_keys(
        &self,
        what: PersonRequest,
        who: &str,
        address: std::net::IpAddr,
    ) -> SignInKeys {
        let who = who.trim().to_lowercase();
        let address = address.to_string();
        let (kind, pair, per_address, per_who) = match what {
            PersonRequest::Link => (
                "person-link",
                (LINKS_PER_RECIPIENT, Duration::minutes(LINK_PACE_MINUTES)),
                (30, Duration::seconds(30)),
                (LINKS_PER_RECIPIENT, Duration::minutes(LINK_PACE_MINUTES)),
            ),
            PersonRequest::Pass => (
                "person-pass",
                (10, Duration::seconds(60)),
                (50, Duration::seconds(5)),
                (10, Duration::seconds(60)),
            ),
        };
        SignInKeys {
            keys: [
                (self.key(kind, &["pair", &who, &address]), pair.0, pair.1),
                (
                    self.key(kind, &["address", &address]),
                    per_address.0,
                    per_address.1,
                ),
                (self.key(kind, &["who", &who]), per_who.0, per_who.1),
            ],
        }
    }

    /// `Err(seconds to wait)` if a key is past its limit and its pace has not elapsed since
    /// its last failure.
    pub fn check(&self, keys: &SignInKeys, now: DateTime<Utc>) -> Result<(), u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait_ms = 0i64;
        for (key, limit, pace) in &keys.keys {
            if let Some(times) = failures.get_mut(key) {
                while times
                    .front()
                    .is_some_and(|t| *t + self.limits.window <= now)
                {
                    times.pop_front();
                }
                if times.len() >= *limit
                    && let Some(last) = times.back()
                {
                    wait_ms = wait_ms.max((*last + *pace - now).num_milliseconds());
                }
            }
        }
        if wait_ms > 0 {
            // Whole seconds, rounded up.
            Err(((wait_ms + 999) / 1000).unsigned_abs())
        } else {
            Ok(())
        }
    }

    /// Counts a failed attempt on each of its keys.
    pub fn fail(&self, keys: &SignInKeys, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > 100_000 {
            let window = self.limits.window;
            failures.retain(|_, times| times.back().is_some_and(|t| *t + window > now));
        }
        for (key, limit, _) in &keys.keys {
            let times = failures.entry(*key).or_default();
            times.push_back(now);
            // Only the newest failures matter for pacing: keep a bounded history.
            while times.len() > limit.saturating_mul(2).max(2) {
                times.pop_front();
            }
        }
    }

    /// A successful sign-in clears the account's keys (the address's count stays: other
    /// accounts may be tried from there).
    pub fn succeed(&self, keys: &SignInKeys) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let [pair, _address, account] = &keys.keys;
        failures.remove(&pair.0);
        failures.remove(&account.0);
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

/// The user's seats (role in a structure), suspended ones left out.
pub async fn seats_of(state: &AppState, user_id: i64) -> Result<Vec<Seat>, ApiError> {
    let memberships = state.store.active_memberships(user_id).await?;
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
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
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

    fn small() -> ThrottleLimits {
        ThrottleLimits {
            per_account_and_address: 3,
            per_address: 5,
            per_account: 4,
            window: Duration::minutes(15),
            pace_account_and_address: Duration::seconds(60),
            pace_address: Duration::seconds(5),
            pace_account: Duration::seconds(10),
        }
    }

    #[test]
    fn past_its_limit_a_key_is_paced_not_locked_out() {
        let throttle = Throttle::new(small());
        let t0 = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        let ip = |n: u8| std::net::IpAddr::from([10, 0, 0, n]);
        let a = throttle.keys("A@x.fr ", ip(1));
        for i in 0..3 {
            assert_eq!(throttle.check(&a, t0), Ok(()));
            throttle.fail(&a, t0 + Duration::seconds(i));
        }
        // Past the pair's limit: one attempt a minute after the last failure.
        assert_eq!(throttle.check(&a, t0 + Duration::seconds(10)), Err(52));
        assert_eq!(throttle.check(&a, t0 + Duration::seconds(62)), Ok(()));
        // The same account from elsewhere, another account from here: not paced yet.
        assert_eq!(throttle.check(&throttle.keys("a@x.fr", ip(2)), t0), Ok(()));
        assert_eq!(throttle.check(&throttle.keys("b@x.fr", ip(1)), t0), Ok(()));
        // A success clears the account's keys.
        throttle.succeed(&a);
        assert_eq!(throttle.check(&a, t0 + Duration::seconds(10)), Ok(()));
        // The window forgets.
        let b = throttle.keys("b@x.fr", ip(3));
        for i in 0..3 {
            throttle.fail(&b, t0 + Duration::seconds(i));
        }
        assert!(throttle.check(&b, t0 + Duration::seconds(5)).is_err());
        assert_eq!(
            throttle.check(&b, t0 + Duration::minutes(15) + Duration::seconds(3)),
            Ok(())
        );
    }

    #[test]
    fn typos_of_many_people_behind_one_address_do_not_lock_it() {
        let throttle = Throttle::new(small());
        let t0 = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        let office = std::net::IpAddr::from([10, 0, 0, 9]);
        for person in 0..4 {
            let keys = throttle.keys(&format!("p{person}@agence.fr"), office);
            throttle.fail(&keys, t0);
        }
        let next = throttle.keys("p9@agence.fr", office);
        assert_eq!(
            throttle.check(&next, t0),
            Ok(()),
            "4 typos < the address's limit"
        );
        throttle.fail(&next, t0);
        // Past the address's limit: paced at 5 s for everyone there, never locked.
        assert_eq!(throttle.check(&next, t0 + Duration::seconds(1)), Err(4));
        assert_eq!(throttle.check(&next, t0 + Duration::seconds(5)), Ok(()));
    }

    #[test]
    fn keys_hold_no_email() {
        let throttle = Throttle::new(small());
        let keys = throttle.keys("someone@example.fr", std::net::IpAddr::from([127, 0, 0, 1]));
        assert!(!format!("{keys:?}").contains("someone"));
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
