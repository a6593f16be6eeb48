//! What every page handler works with, taken from the request once: [`Page`] (the state, the
//! page's language and address) and [`StaffPage`] (the same and the signed-in staff member; without
//! a session the answer is the login page). Both make the page's layout and its error page, so a
//! handler never builds either by hand.

use super::Chrome;
use super::failure::PageError;
use super::i18n::{Lang, Tr};
use super::staff::StaffSession;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::Uri;
use axum::http::request::Parts;
use axum::response::Response;
use motcua_app::AppError;
use std::convert::Infallible;

/// A public page's context.
#[derive(Clone)]
pub struct Page {
    /// The application and the web settings.
    pub s: AppState,
    /// The page's language.
    pub tr: Tr,
    /// The page's address.
    pub uri: Uri,
}

/// The language the request was given by the language layer (Vietnamese when none).
fn tr_of(parts: &Parts) -> Tr {
    parts
        .extensions
        .get::<Tr>()
        .copied()
        .unwrap_or(Tr { lang: Lang::Vi })
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Page {
            s: state.clone(),
            tr: tr_of(parts),
            uri: parts.uri.clone(),
        })
    }
}

impl Page {
    /// The layout, titled `title`.
    pub fn chrome(&self, title: String) -> Chrome {
        Chrome::new(self.tr, &self.uri, title)
    }

    /// An application error as this page's error page.
    pub fn fail(&self, e: AppError) -> PageError {
        PageError::app(self.chrome(String::new()), e)
    }

    /// A failure the page names itself (`code` from the table).
    pub fn error(&self, code: &'static str, message: String) -> PageError {
        PageError::new(self.chrome(String::new()), code, message)
    }

    /// Nothing at this address.
    pub fn not_found(&self) -> PageError {
        self.error("route.not_found", self.tr.t("not-found-lead"))
    }
}

/// A staff page's context.
pub struct StaffPage {
    /// The application and the web settings.
    pub s: AppState,
    /// The page's language.
    pub tr: Tr,
    /// The page's address.
    pub uri: Uri,
    /// The signed-in staff member.
    pub sess: StaffSession,
}

impl FromRequestParts<AppState> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let sess = StaffSession::from_request_parts(parts, state).await?;
        Ok(StaffPage {
            s: state.clone(),
            tr: tr_of(parts),
            uri: parts.uri.clone(),
            sess,
        })
    }
}

impl StaffPage {
    /// The staff layout (signed-in name, anti-forgery token, menus), titled `title`.
    pub fn chrome(&self, title: String) -> Chrome {
        self.sess.chrome(self.tr, &self.uri, title)
    }

    /// An application error as this page's error page.
    pub fn fail(&self, e: AppError) -> PageError {
        self.sess.fail(self.tr, &self.uri, e)
    }

    /// A failure the page names itself (`code` from the table).
    pub fn error(&self, code: &'static str, message: String) -> PageError {
        self.sess.refuse(self.tr, &self.uri, code, message)
    }

    /// Nothing at this address (or nothing this member may see: the same answer).
    pub fn not_found(&self) -> PageError {
        self.error("route.not_found", self.tr.t("not-found-lead"))
    }

    /// The staff member as the application's actor.
    pub fn actor(&self) -> motcua_app::Actor {
        motcua_app::Actor::Staff(self.sess.actor().clone())
    }
}
