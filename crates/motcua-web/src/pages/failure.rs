//! The one way a page fails: [`PageError`]. Its status is its code's in the API's table
//! (`crate::error::ERROR_CODES`), its message is in the page's language, an internal error or a
//! lost database is logged once (inside the request's span, so with its id), and the page shows
//! the code and the request's id. A `503` says when to retry.

use super::Chrome;
use super::i18n::Tr;
use super::public::render;
use crate::error::status_for;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use motcua_app::AppError;

/// Seconds a reader should wait before retrying a page that answered `503`.
const RETRY_AFTER_SECONDS: &str = "2";

/// A page's failure, rendered as the localised error page.
#[derive(Debug)]
pub struct PageError {
    chrome: Box<Chrome>,
    code: &'static str,
    message: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    message: String,
    code: &'static str,
    request_id: Option<crate::request_id::RequestId>,
    home: &'static str,
}

impl PageError {
    /// An application error as a page (the layout `chrome` is the page's own).
    pub fn app(chrome: Chrome, e: AppError) -> Self {
        match &e {
            AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
            AppError::Unavailable(detail) => tracing::warn!(%detail, "database unavailable"),
            _ => {}
        }
        let message = chrome.tr.error(&e);
        Self {
            code: e.code(),
            message,
            chrome: Box::new(chrome),
        }
    }

    /// A failure the page names itself: a `code` of the table and a message in the page's
    /// language.
    pub fn new(chrome: Chrome, code: &'static str, message: String) -> Self {
        Self {
            chrome: Box::new(chrome),
            code,
            message,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The HTTP status of the code.
    pub fn status(&self) -> StatusCode {
        status_for(self.code)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut c = *self.chrome;
        c.title = c.tr.t(if status == StatusCode::NOT_FOUND {
            "not-found-title"
        } else {
            "error-title"
        });
        let home = if c.staff.is_some() { "/inbox" } else { "/" };
        let page = ErrorPage {
            c,
            message: self.message,
            code: self.code,
            request_id: crate::request_id::current(),
            home,
        };
        let mut resp = (status, render(&page)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // RFC 9110 §10.2.3: when the reader may retry.
            resp.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        resp
    }
}

/// A public page's failure (the layout without a signed-in member).
pub fn public_failure(tr: Tr, uri: &Uri, e: AppError) -> Response {
    PageError::app(Chrome::new(tr, uri, String::new()), e).into_response()
}
