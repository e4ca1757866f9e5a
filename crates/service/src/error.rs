//! How the API says no: a status, a stable code, a message in English, and for validation
//! errors the path of each wrong field.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// One wrong field: where it is in the request body (JSON Pointer, `/0/lieuTravail/commune`)
/// or query (`?k`), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    pub path: String,
    pub message: String,
}

impl FieldProblem {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `unauthenticated`, `forbidden`, `not_found`, `conflict`, `invalid`, `too_large`,
    /// `too_many_attempts`, `csrf`, `internal`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

#[derive(Debug)]
pub enum ApiError {
    Unauthenticated(String),
    Forbidden(String),
    Csrf,
    NotFound(String),
    Conflict(String),
    /// A rule refused the action, said in French for the pages (409 in the API).
    Refused(String),
    Invalid(Vec<FieldProblem>),
    TooLarge(usize),
    TooManyAttempts {
        retry_after_secs: u64,
    },
    Internal(String),
}

impl ApiError {
    pub fn field(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldProblem {
            path: path.into(),
            message: message.into(),
        }])
    }
}

impl From<store::StoreError> for ApiError {
    fn from(err: store::StoreError) -> Self {
        use store::StoreError as E;
        match err {
            E::NotFound(what) => Self::NotFound(what),
            E::Conflict(what) => Self::Conflict(what),
            // The driver's text stays in the log: the answer names the field alone.
            err @ E::Duplicate { .. } => Self::Conflict(err.to_string()),
            E::Refused { field, reason, .. } => Self::field(field, reason),
            E::Invalid(what) => Self::field("", what),
            other => Self::Internal(error_chain(&other)),
        }
    }
}

/// An error and every cause under it (`source()`), joined by `: `, for the log: a cause whose
/// text the message above already carries is not repeated.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(next) = cause {
        let line = next.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        cause = next.source();
    }
    text
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        Self::Internal(format!("{err:#}"))
    }
}

/// The most wrong fields an answer names.
pub const MAX_FIELD_PROBLEMS: usize = 100;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, fields) = match self {
            Self::Unauthenticated(m) => (StatusCode::UNAUTHORIZED, "unauthenticated", m, vec![]),
            Self::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m, vec![]),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                "csrf",
                "missing or wrong x-csrf-token header: send the csrf_token given at sign-in"
                    .to_string(),
                vec![],
            ),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m, vec![]),
            Self::Conflict(m) | Self::Refused(m) => (StatusCode::CONFLICT, "conflict", m, vec![]),
            Self::Invalid(mut fields) => {
                // A small body can hold many wrong fields: the answer names the first ones,
                // and says how many more, so that it never outgrows the request.
                let more = fields.len().saturating_sub(MAX_FIELD_PROBLEMS);
                fields.truncate(MAX_FIELD_PROBLEMS);
                let mut message = fields
                    .iter()
                    .map(|f| format!("{}: {}", f.path, f.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                if more > 0 {
                    message.push_str(&format!("; and {more} more"));
                }
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid", message, fields)
            }
            Self::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the request body is larger than the limit of {limit} bytes"),
                vec![],
            ),
            Self::TooManyAttempts { retry_after_secs } => {
                let mut response = (
                    StatusCode::TOO_MANY_REQUESTS,
                    axum::Json(Problem {
                        code: "too_many_attempts",
                        message: format!(
                            "too many failed sign-ins: try again in {retry_after_secs} s"
                        ),
                        fields: vec![],
                    }),
                )
                    .into_response();
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                return response;
            }
            Self::Internal(m) => {
                // Inside the request's span (`router`'s trace layer), which carries the request
                // id: the log line ties the cause to the `x-request-id` the client was given.
                tracing::error!(error = %m, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error; it has been logged".to_string(),
                    vec![],
                )
            }
        };
        (
            status,
            axum::Json(Problem {
                code,
                message,
                fields,
            }),
        )
            .into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn the_chain_names_every_cause_once() {
        let err = Layer(
            "reading offers",
            Some(Box::new(Layer(
                "pool timed out: connection refused",
                Some(Box::new(Layer("connection refused", None))),
            ))),
        );
        assert_eq!(
            error_chain(&err),
            "reading offers: pool timed out: connection refused"
        );
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by peer");
        let store =
            store::StoreError::Migrate(sqlx::migrate::MigrateError::Execute(sqlx::Error::Io(io)));
        let ApiError::Internal(message) = ApiError::from(store) else {
            panic!("a migration error is internal");
        };
        assert!(
            message.starts_with("cannot migrate the database: "),
            "{message}"
        );
        assert!(message.contains("refused by peer"), "{message}");
        assert_eq!(message.matches("refused by peer").count(), 1, "{message}");
    }
}
