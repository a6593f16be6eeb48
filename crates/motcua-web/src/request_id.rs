//! Every request's id: made here (a UUID v7, so ids sort by time), answered as `X-Request-Id`,
//! carried by the request's tracing span so that every line the request logs names it, and
//! readable by the error page ([`current`]), which shows it so that a user can quote it.
//!
//! An incoming `X-Request-Id` is not taken: a client could otherwise make its lines look like
//! another request's.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

tokio::task_local! {
    static CURRENT: RequestId;
}

/// The id of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId(uuid::Uuid);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The id of the request being handled, if any.
pub fn current() -> Option<RequestId> {
    CURRENT.try_with(|id| *id).ok()
}

/// Gives the request its id and span, and the answer its `X-Request-Id` header.
pub async fn layer(req: Request, next: Next) -> Response {
    let id = RequestId(uuid::Uuid::now_v7());
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path()
    );
    let mut resp = CURRENT.scope(id, next.run(req)).instrument(span).await;
    if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}
