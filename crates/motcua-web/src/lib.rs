//! # motcua-web
//!
//! The HTTP face of motcua: the JSON API under `/api/v1` (described by the OpenAPI document at
//! `/api/openapi.json`, browsable at `/api/docs` with a vendored Swagger UI), `/healthz`, and the
//! home page. Every error leaves through one envelope with a stable code ([`error::ERROR_CODES`]).
//! This crate never touches the database: it calls `motcua-app` use cases.

pub mod api;
pub mod error;
pub mod exports;
pub mod extract;
pub mod metrics;
pub mod oidc;
mod openapi;
pub mod pages;
pub mod request_id;
pub mod security;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use motcua_app::App;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// Shared state of every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The application.
    pub app: App,
    /// Web settings.
    pub web: WebSettings,
    /// Rate limiters (per client address).
    pub limits: std::sync::Arc<security::Limiters>,
    /// The national identity provider's client, when configured.
    pub oidc: Option<std::sync::Arc<oidc::Oidc>>,
}

/// Settings of the web layer.
#[derive(Clone, Debug)]
pub struct WebSettings {
    /// Seconds without use before a kiosk page returns to the kiosk start.
    pub kiosk_reset_seconds: u32,
    /// The address citizens reach this server at (for QR codes on printed slips), e.g.
    /// `https://dichvucong.lamdong.gov.vn`; when unset, the request's `Host` is used.
    pub public_url: Option<String>,
    /// The reverse proxy in front of this server, if any: only from it is `X-Forwarded-For`
    /// (the client's address) and `X-Forwarded-Proto` believed.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// Rate limits per client address.
    pub rate_limits: security::RateLimits,
    /// Citizens' login through the national identity provider (VNeID); off when `None`.
    pub oidc: Option<oidc::OidcSettings>,
    /// The rate limiters' clock (real; a fake one in tests).
    pub limit_clock: security::LimitClock,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            kiosk_reset_seconds: 120,
            public_url: None,
            trusted_proxy: None,
            rate_limits: security::RateLimits::default(),
            oidc: None,
            limit_clock: security::LimitClock::default(),
        }
    }
}

/// Largest JSON body accepted (a dossier with its component list is a few KiB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Builds the whole router.
pub fn router(app: App) -> Router {
    router_with(app, WebSettings::default())
}

/// Builds the whole router with explicit web settings.
pub fn router_with(app: App, web: WebSettings) -> Router {
    let limits = security::limiters(web.rate_limits, web.limit_clock.clone());
    let oidc = web.oidc.clone().and_then(|o| match oidc::Oidc::new(o) {
        Ok(c) => Some(std::sync::Arc::new(c)),
        Err(e) => {
            tracing::error!(error = %e, "citizen login disabled");
            None
        }
    });
    let state = AppState {
        app,
        web,
        limits,
        oidc,
    };
    metrics::handle();
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .route("/metrics", axum::routing::get(metrics::page))
        .layer(axum::middleware::from_fn(metrics::track))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi::ApiDoc::openapi()))
        .fallback(fallback)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn(pages::i18n::lang_layer))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::defend,
        ))
        // Outermost: every answer, a refusal of the defences included, carries its request's id.
        .layer(axum::middleware::from_fn(request_id::layer))
        .with_state(state)
}

/// Unknown paths: the JSON envelope under `/api`, the HTML page elsewhere.
async fn fallback(
    tr: Option<axum::Extension<pages::i18n::Tr>>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        return error::not_found().await.into_response();
    }
    let tr = tr.map(|t| t.0).unwrap_or(pages::i18n::Tr {
        lang: pages::i18n::Lang::Vi,
    });
    pages::not_found_page(&tr, &uri)
}

/// The OpenAPI document (for tests and `motcua` tooling).
pub fn openapi_json() -> String {
    openapi::ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_default()
}
