//! The JSON body extractor: a wrong body is a 422 naming the path of the wrong field (as a
//! JSON Pointer), a body over the limit a 413.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Implements `FromRequestParts` for an extractor `$name<T>` of the query string (`query`)
/// or of a path parameter (`path`), whose refusal `$refuse` turns into a response.
macro_rules! parts_extractor {
    (query, $name:ident, $refuse:expr) => {
        impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for $name<T> {
            type Rejection = Response;

            async fn from_request_parts(
                parts: &mut axum::http::request::Parts,
                _state: &S,
            ) -> Result<Self, Self::Rejection> {
                query_of(parts).map($name).map_err($refuse)
            }
        }
    };
    (path, $name:ident, $refuse:expr) => {
        impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S>
            for $name<T>
        {
            type Rejection = Response;

            async fn from_request_parts(
                parts: &mut axum::http::request::Parts,
                state: &S,
            ) -> Result<Self, Self::Rejection> {
                axum::extract::Path::<T>::from_request_parts(parts, state)
                    .await
                    .map(|axum::extract::Path(value)| $name(value))
                    .map_err($refuse)
            }
        }
    };
}

/// The query string, as `T`: a wrong parameter is a 422 naming it (`?k`).
pub struct QueryParams<T>(pub T);

parts_extractor!(query, QueryParams, IntoResponse::into_response);

/// The query string as `T`, or the error naming the wrong parameter (`?k`).
fn query_of<T: DeserializeOwned>(parts: &axum::http::request::Parts) -> Result<T, ApiError> {
    let query = parts.uri.query().unwrap_or_default();
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let message = err.inner().to_string();
        // A missing or repeated parameter has no path: serde names it in the message
        // (``duplicate field `offset` ``).
        let name = err
            .path()
            .iter()
            .next_back()
            .map(ToString::to_string)
            .filter(|name| !name.is_empty() && name != "?")
            .or_else(|| message.split('`').nth(1).map(str::to_string))
            .unwrap_or_default();
        ApiError::field(format!("?{name}"), message)
    })
}

/// A path parameter (a record's id), as `T`: a wrong one is a 422 `Problem` naming it
/// (`{id}`), never axum's plain-text 400.
pub struct Path<T>(pub T);

parts_extractor!(path, Path, |_| {
    ApiError::field(
        "{id}",
        "expected the id of a record: a whole number from 1 to 9223372036854775807",
    )
    .into_response()
});

/// A path parameter of a page: a wrong one is the French "page not found".
pub struct PagePath<T>(pub T);

parts_extractor!(path, PagePath, |_| {
    crate::pages::PageError(ApiError::NotFound(String::new())).into_response()
});

/// A page's query string, as `T`: one that does not decode (a parameter given twice, a
/// number that is not one) is the French error page naming it, never plain text.
pub struct PageQuery<T>(pub T);

parts_extractor!(query, PageQuery, |error| crate::pages::PageError(error)
    .into_response());

/// A page's form, as `T`: a form that does not decode (a field missing or not a number) is
/// the French "action impossible" page, never plain text.
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(value)| PageForm(value))
            .map_err(|rejection| {
                let error = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge(crate::BODY_LIMIT)
                } else {
                    ApiError::field("", rejection.body_text())
                };
                crate::pages::PageError(error).into_response()
            })
    }
}

/// The request body, as JSON of type `T`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        parse(&bytes)
            .map(JsonBody)
            .map_err(IntoResponse::into_response)
    }
}

/// The request body's bytes, within the body limit.
pub async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let limit = crate::BODY_LIMIT;
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(limit)
        } else {
            ApiError::field("", rejection.body_text())
        }
    })
}

/// Parses JSON, naming the path of the first wrong field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let message = err.inner().to_string();
        ApiError::field(pointer(err.path()), message)
    })
}

/// `a.b[0].c` as the JSON Pointer `/a/b/0/c`.
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => out.push_str(variant),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        k: u32,
    }

    #[test]
    fn a_wrong_field_is_named_by_its_pointer() {
        let Err(ApiError::Invalid(fields)) =
            parse::<Outer>(br#"{"items": [{"k": 1}, {"k": "two"}]}"#)
        else {
            panic!("expected a field error");
        };
        assert_eq!(fields[0].path, "/items/1/k");
        assert!(fields[0].message.contains("invalid type"));
    }

    #[test]
    fn a_missing_field_is_named_at_its_parent() {
        let Err(ApiError::Invalid(fields)) = parse::<Outer>(br#"{"items": [{}]}"#) else {
            panic!("expected a field error");
        };
        assert_eq!(fields[0].path, "/items/0");
        assert!(fields[0].message.contains("missing field `k`"));
    }
}
