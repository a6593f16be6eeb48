//! Extractors: JSON and query strings whose rejections use our envelope, and the staff
//! credential extractors (a handler that takes [`Staff`] cannot run without a valid token).

use crate::AppState;
use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use motcua_app::{Actor, StaffActor};
use serde::de::DeserializeOwned;

/// `Json<T>` with our error envelope.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(json_rejection(r)),
        }
    }
}

/// A raw body (a file) with our error envelope: too large is `request.too_large`.
#[derive(Debug)]
pub struct ApiBytes(pub axum::body::Bytes);

impl FromRequest<AppState> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => Ok(ApiBytes(b)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                "request.too_large",
                format!(
                    "the file exceeds {} bytes",
                    motcua_domain::upload::MAX_FILE_BYTES
                ),
            )),
            Err(r) => Err(ApiError::new(
                "request.malformed_json",
                clip(&r.body_text()),
            )),
        }
    }
}

/// Maps axum's JSON rejections to our codes.
pub fn json_rejection(r: JsonRejection) -> ApiError {
    let detail = r.body_text();
    match r {
        JsonRejection::JsonDataError(_) => ApiError::new("request.invalid_field", clip(&detail)),
        JsonRejection::JsonSyntaxError(_) => ApiError::new("request.malformed_json", clip(&detail)),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            "request.unsupported_media_type",
            "send the body as application/json",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            "request.too_large",
            format!("the body exceeds {} bytes", crate::MAX_BODY_BYTES),
        ),
        _ => ApiError::new("request.malformed_json", clip(&detail)),
    }
}

fn clip(s: &str) -> String {
    s.chars().take(300).collect()
}

/// `Query<T>` with our error envelope.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(query_rejection(r)),
        }
    }
}

/// `Path<T>` with our error envelope (`request.invalid_path`): a segment that does not parse
/// as its type (a year of 2147483648, bytes that are not UTF-8).
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(r) => Err(ApiError::new("request.invalid_path", clip(&r.body_text()))),
        }
    }
}

fn query_rejection(r: QueryRejection) -> ApiError {
    ApiError::new("request.invalid_query", clip(&r.body_text()))
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// A staff member authenticated by bearer token. Rejects with `auth.unauthenticated`.
#[derive(Debug, Clone)]
pub struct Staff(pub StaffActor);

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or_else(|| {
            ApiError::new("auth.unauthenticated", "a staff bearer token is required")
        })?;
        Ok(Staff(state.app.authenticate(token).await?))
    }
}

/// A staff member (bearer token) whose role administers (catalogue, calendars, registry,
/// accounts): a province or system administrator. Rejects others with `auth.forbidden`; the
/// jurisdiction (which province) is checked by the use case.
#[derive(Debug, Clone)]
pub struct Administrator(pub StaffActor);

impl FromRequestParts<AppState> for Administrator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Staff(s) = Staff::from_request_parts(parts, state).await?;
        if s.role.may_administer() {
            Ok(Administrator(s))
        } else {
            Err(ApiError::new(
                "auth.forbidden",
                format!("role {} does not administer", s.role.as_str()),
            ))
        }
    }
}

/// A system administrator (bearer token): the national catalogue and whatever reaches every
/// province. Rejects others with `auth.forbidden`.
#[derive(Debug, Clone)]
pub struct SystemAdministrator(pub StaffActor);

impl FromRequestParts<AppState> for SystemAdministrator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Staff(s) = Staff::from_request_parts(parts, state).await?;
        if s.role == motcua_domain::access::Role::Admin {
            Ok(SystemAdministrator(s))
        } else {
            Err(ApiError::new(
                "auth.forbidden",
                "only a system administrator may do this",
            ))
        }
    }
}

/// Staff if a token is sent (and valid), else the public. A token that is sent but invalid is
/// rejected rather than silently treated as public.
#[derive(Debug, Clone)]
pub struct MaybeStaff(pub Actor);

impl FromRequestParts<AppState> for MaybeStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match bearer(parts) {
            None => Ok(MaybeStaff(Actor::Public)),
            Some(t) => Ok(MaybeStaff(Actor::Staff(state.app.authenticate(t).await?))),
        }
    }
}

/// The `Idempotency-Key` header, if sent (`request.invalid_field` when it is not ASCII).
pub fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<&str>, ApiError> {
    headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str().map_err(|_| {
                ApiError::new("request.invalid_field", "Idempotency-Key must be ASCII")
            })
        })
        .transpose()
}
