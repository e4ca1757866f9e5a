//! The person's own space: how a job seeker signs in (a one-time pass) and the session they
//! then hold. No secret here: passes and sessions are kept as the SHA-256 of what the person
//! holds ([`crate::TokenHash`]).

use chrono::{DateTime, Utc};

/// How a pass reached the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassKind {
    /// A link sent to the person's e-mail through the outbox.
    Link,
    /// A code their advisor gave them (in person, on the phone).
    Code,
}

impl PassKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PassKind::Link => "link",
            PassKind::Code => "code",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "link" => Some(PassKind::Link),
            "code" => Some(PassKind::Code),
            _ => None,
        }
    }
}

/// What presenting a pass found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassCheck {
    /// A pass of this job seeker, valid until now and used by this presentation.
    Valid { job_seeker_id: i64, kind: PassKind },
    /// Already used (a second presentation, or a link forwarded).
    Used { job_seeker_id: i64 },
    /// Past its expiry.
    Expired { job_seeker_id: i64 },
    /// No such pass (mistyped, or forged).
    Unknown,
}

/// A person's session in their own space.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonSession {
    pub id: i64,
    pub job_seeker_id: i64,
    /// The session's anti-forgery token, which forms send back.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for PersonSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonSession")
            .field("id", &self.id)
            .field("job_seeker_id", &self.job_seeker_id)
            .field("csrf_token", &"..")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back() {
        for kind in [PassKind::Link, PassKind::Code] {
            assert_eq!(PassKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(PassKind::parse("Link"), None);
    }

    #[test]
    fn a_session_never_prints_its_token() {
        let session = PersonSession {
            id: 1,
            job_seeker_id: 2,
            csrf_token: "secret-csrf-token-of-thirty-two-chars".into(),
            created_at: DateTime::<Utc>::MIN_UTC,
            expires_at: DateTime::<Utc>::MIN_UTC,
        };
        assert!(!format!("{session:?}").contains("secret"));
    }
}
