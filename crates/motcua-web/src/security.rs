//! The defences every request passes: the client's address (through a configured trusted proxy
//! only), security headers on every response, rate limits on login, tracking and public search,
//! and the audit of every permission denial and every file handed out (an export).

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use motcua_app::accounts::Origin;
use motcua_app::{Actor, App};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Requests a minute allowed per client address for each limited kind of request (`0`: no
/// limit). The burst equals the minute's allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Login attempts (staff and citizens).
    pub login_per_minute: u32,
    /// Public tracking lookups (page, kiosk, API).
    pub tracking_per_minute: u32,
    /// Public procedure searches and assistant questions (page, kiosk, API).
    pub search_per_minute: u32,
    /// Public signature verifications (page and API): each reads a file of up to 5 MB.
    pub verify_per_minute: u32,
    /// Anonymous filing: online submissions (API without a token, the wizard's submit), new
    /// drafts and the wizard's uploads.
    pub filing_per_minute: u32,
    /// Megabytes an address may upload to drafts in an hour (the wizard's files).
    pub upload_mb_per_hour: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            login_per_minute: 10,
            tracking_per_minute: 30,
            search_per_minute: 120,
            verify_per_minute: 20,
            filing_per_minute: 20,
            upload_mb_per_hour: 50,
        }
    }
}

impl RateLimits {
    /// No limits (load tests against 127.0.0.1).
    pub const OFF: RateLimits = RateLimits {
        login_per_minute: 0,
        tracking_per_minute: 0,
        search_per_minute: 0,
        verify_per_minute: 0,
        filing_per_minute: 0,
        upload_mb_per_hour: 0,
    };
}

/// The kinds of request that are rate-limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limited {
    Login,
    Tracking,
    Search,
    Verify,
    Filing,
}

/// The kind of limit a request counts against; `with_token` when it carries a bearer token
/// (staff intake is not anonymous filing).
fn limited(method: &Method, path: &str, query: Option<&str>, with_token: bool) -> Option<Limited> {
    let has_query = |name: &str| {
        query.is_some_and(|q| {
            form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == name && !v.trim().is_empty())
        })
    };
    match (method, path) {
        // A password change checks the current password: a stolen session must not guess it.
        (&Method::POST, "/staff/login" | "/staff/password") => Some(Limited::Login),
        (_, "/citizen/login" | "/citizen/callback") => Some(Limited::Login),
        (_, "/track") if has_query("code") => Some(Limited::Tracking),
        // The kiosk's keypad posts every key press: only its lookup is counted, by the handler
        // (`Limiters::over_tracking`), so one person's lookup is one lookup.
        (_, p) if p.starts_with("/api/v1/track/") => Some(Limited::Tracking),
        (_, p) if p.starts_with("/api/v1/linked/") && p.ends_with("/track") => {
            Some(Limited::Tracking)
        }
        (&Method::GET, "/" | "/kiosk/procedures" | "/api/v1/procedures") if has_query("q") => {
            Some(Limited::Search)
        }
        (&Method::GET, "/assistant" | "/kiosk/assistant") if has_query("q") => {
            Some(Limited::Search)
        }
        (&Method::POST, "/api/v1/assistant") => Some(Limited::Search),
        (&Method::POST, "/verify" | "/api/v1/verify") => Some(Limited::Verify),
        (&Method::POST, "/api/v1/dossiers") if !with_token => Some(Limited::Filing),
        (&Method::POST, p)
            // Starting a draft (`/apply/{code}`), uploading to it, submitting it.
            if p.starts_with("/apply/")
                && (p.ends_with("/documents")
                    || p.ends_with("/check")
                    || p.matches('/').count() == 2) =>
        {
            Some(Limited::Filing)
        }
        _ => None,
    }
}

/// The limiters' clock: the process's monotonic time, or — for tests — a clock that moves only
/// when told ([`LimitClock::fake`]), so that a test of "121 requests in a minute" does not depend
/// on how fast the machine sends them.
#[derive(Debug, Clone)]
pub struct LimitClock {
    start: std::time::Instant,
    fake: Option<Arc<AtomicU64>>,
}

impl Default for LimitClock {
    fn default() -> Self {
        LimitClock {
            start: std::time::Instant::now(),
            fake: None,
        }
    }
}

impl LimitClock {
    /// A clock standing still at its start until [`LimitClock::advance`] moves it.
    pub fn fake() -> Self {
        LimitClock {
            start: std::time::Instant::now(),
            fake: Some(Arc::new(AtomicU64::new(0))),
        }
    }

    /// Moves a fake clock forward (a real clock moves by itself: nothing happens).
    pub fn advance(&self, by: std::time::Duration) {
        if let Some(n) = &self.fake {
            let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
            n.fetch_add(by, Ordering::Relaxed);
        }
    }
}

impl Clock for LimitClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        match &self.fake {
            Some(n) => Nanos::from(n.load(Ordering::Relaxed)),
            None => Nanos::from(self.start.elapsed()),
        }
    }
}

type Limiter = RateLimiter<
    IpAddr,
    DefaultKeyedStateStore<IpAddr>,
    LimitClock,
    governor::middleware::NoOpMiddleware<Nanos>,
>;

/// The rate limiters, keyed by client address.
pub struct Limiters {
    clock: LimitClock,
    login: Option<Limiter>,
    tracking: Option<Limiter>,
    search: Option<Limiter>,
    verify: Option<Limiter>,
    filing: Option<Limiter>,
    /// Kilobytes uploaded to drafts, per hour.
    upload_kb: Option<Limiter>,
}

impl std::fmt::Debug for Limiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiters").finish_non_exhaustive()
    }
}

impl Limiters {
    /// Limiters for `limits`, on `clock`.
    pub fn new(limits: RateLimits, clock: LimitClock) -> Self {
        let limiter = |per_minute: u32| {
            NonZeroU32::new(per_minute)
                .map(|n| Limiter::dashmap_with_clock(Quota::per_minute(n), clock.clone()))
        };
        Limiters {
            login: limiter(limits.login_per_minute),
            tracking: limiter(limits.tracking_per_minute),
            search: limiter(limits.search_per_minute),
            verify: limiter(limits.verify_per_minute),
            filing: limiter(limits.filing_per_minute),
            upload_kb: NonZeroU32::new(limits.upload_mb_per_hour.saturating_mul(1024))
                .map(|kb| Limiter::dashmap_with_clock(Quota::per_hour(kb), clock.clone())),
            clock,
        }
    }

    /// Seconds until a refused request may be retried (at least one).
    fn retry_after(&self, not_until: &governor::NotUntil<Nanos>) -> u64 {
        not_until.wait_time_from(self.clock.now()).as_secs().max(1)
    }

    fn of(&self, kind: Limited) -> Option<&Limiter> {
        match kind {
            Limited::Login => self.login.as_ref(),
            Limited::Tracking => self.tracking.as_ref(),
            Limited::Search => self.search.as_ref(),
            Limited::Verify => self.verify.as_ref(),
            Limited::Filing => self.filing.as_ref(),
        }
    }

    /// Counts one tracking lookup of `ip` (the kiosk's, made by its handler); past the limit,
    /// the 429 answer to send.
    pub fn over_tracking(&self, ip: &IpAddr, path: &str) -> Option<Response> {
        match self.tracking.as_ref().map(|l| l.check_key(ip)) {
            Some(Err(not_until)) => Some(too_many(path, self.retry_after(&not_until))),
            _ => None,
        }
    }

    /// Counts `bytes` uploaded to a draft by `ip` against its hourly budget; past it, the 429
    /// answer to send (nothing of the request is stored).
    pub fn over_upload(&self, ip: &IpAddr, bytes: usize, path: &str) -> Option<Response> {
        let l = self.upload_kb.as_ref()?;
        let kb = u32::try_from(bytes.div_ceil(1024)).unwrap_or(u32::MAX);
        match l.check_key_n(ip, NonZeroU32::new(kb)?) {
            Ok(Ok(())) => None,
            Ok(Err(not_until)) => Some(too_many(path, self.retry_after(&not_until))),
            Err(_) => Some(too_many(path, 3600)),
        }
    }

    /// Forgets addresses that are back under their limits (run now and then, so that the maps
    /// do not grow with every address ever seen).
    pub fn shrink(&self) {
        for l in [
            &self.login,
            &self.tracking,
            &self.search,
            &self.verify,
            &self.filing,
            &self.upload_kb,
        ]
        .into_iter()
        .flatten()
        {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

/// The client's address: the peer's, or — only when the peer is the configured trusted proxy —
/// the last address of its `X-Forwarded-For` (the one the proxy itself added). Without a
/// connection (router tests) it is 0.0.0.0.
pub fn client_ip(headers: &HeaderMap, peer: Option<IpAddr>, trusted: Option<IpAddr>) -> IpAddr {
    let peer = peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if trusted != Some(peer) {
        return peer;
    }
    // The last entry is the one the proxy appended; anything before it came from the client.
    // If that entry is unreadable, the proxy itself is the best we know.
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|s| s.trim().parse::<IpAddr>().ok())
        .unwrap_or(peer)
}

/// Whether the request reached us over TLS: a public address configured as `https://`, or the
/// trusted proxy saying so.
fn over_tls(state: &AppState, headers: &HeaderMap, from_trusted_proxy: bool) -> bool {
    state
        .web
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
        || (from_trusted_proxy
            && headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")))
}

/// The client's address and whether it came over TLS, put in the request's extensions by
/// [`defend`] for the handlers.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    /// Its address.
    pub ip: IpAddr,
    /// Over TLS (cookies are then `Secure`).
    pub tls: bool,
}

impl Client {
    /// The origin recorded in the audit log.
    pub fn origin(&self) -> Origin {
        Origin {
            ip: self.ip.to_string(),
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Client>().copied().unwrap_or(Client {
            ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            tls: false,
        }))
    }
}

/// The Content-Security-Policy of every page: nothing inline, nothing from elsewhere, never
/// framed. The API documentation (Swagger UI) needs inline styles, and only it gets them.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";
const CSP_API_DOCS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

fn set(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    headers
        .entry(name)
        .or_insert(HeaderValue::from_static(value));
}

/// The outermost middleware: resolves the client, applies the rate limits, calls the handler,
/// adds the security headers, and audits a permission denial.
pub async fn defend(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let trusted = state.web.trusted_proxy;
    let ip = client_ip(req.headers(), peer, trusted);
    let tls = over_tls(&state, req.headers(), peer.is_some() && peer == trusted);
    let client = Client { ip, tls };
    req.extensions_mut().insert(client);
    let path = req.uri().path().to_owned();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| path.clone());
    // Staff intake is not anonymous filing — but only a token that authenticates says so (any
    // other Authorization header is anonymous, as the handler will treat it).
    let with_token = req.headers().contains_key(header::AUTHORIZATION);
    let kind = match limited(req.method(), &path, req.uri().query(), with_token) {
        None if with_token
            && limited(req.method(), &path, req.uri().query(), false) == Some(Limited::Filing) =>
        {
            let bearer = req.headers().get(header::AUTHORIZATION);
            match request_actor(&state.app, bearer, None).await {
                Actor::Staff(_) => None,
                _ => Some(Limited::Filing),
            }
        }
        k => k,
    };
    let over_limit = kind
        .and_then(|kind| state.limits.of(kind))
        .and_then(|l| l.check_key(&ip).err());
    // Credentials, kept to name the actor if the answer is a denial.
    // A citizen's session or an application in progress: personal data too.
    let citizen = crate::pages::cookie(req.headers(), crate::pages::citizen::CITIZEN_COOKIE)
        .is_some()
        || crate::pages::cookie(req.headers(), crate::pages::apply::DRAFT_COOKIE).is_some()
        // The wizard and the kiosk: a shared screen must not show the previous person's pages
        // from the cache or Back.
        || path.starts_with("/apply/")
        || path.starts_with("/kiosk");
    let bearer = req.headers().get(header::AUTHORIZATION).cloned();
    let session = crate::pages::cookie(req.headers(), crate::pages::staff::STAFF_COOKIE);
    // Over a limit: 429, with the same security headers as every other answer.
    let mut res = match over_limit {
        Some(not_until) => too_many(&path, state.limits.retry_after(&not_until)),
        None => next.run(req).await,
    };
    let h = res.headers_mut();
    let csp = if path.starts_with("/api/docs") {
        CSP_API_DOCS
    } else {
        CSP
    };
    set(h, header::CONTENT_SECURITY_POLICY, csp);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if tls {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    // What a signed-in person sees, and every file handed out, stays out of shared and browser
    // caches (a counter PC is shared): unless the handler chose a policy itself.
    let personal = bearer.is_some()
        || session.is_some()
        || citizen
        || h.get(header::CONTENT_DISPOSITION).is_some();
    if personal {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    if res.status() == StatusCode::FORBIDDEN {
        let actor = request_actor(&state.app, bearer.as_ref(), session.as_deref()).await;
        state
            .app
            .audit_denial(&actor, &target, &client.origin(), "403")
            .await;
    }
    // Every file handed out (report tables, registers, documents) is an export.
    let attachment = res
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with("attachment"))
        .map(str::to_owned);
    if res.status().is_success()
        && let Some(file) = attachment
    {
        let actor = request_actor(&state.app, bearer.as_ref(), session.as_deref()).await;
        let province = match &actor {
            Actor::Staff(s) => Some(s.province.clone()),
            _ => None,
        };
        state
            .app
            .audit_security(
                "export",
                &actor.id(),
                province.as_ref(),
                &target,
                &client.origin(),
                &file,
            )
            .await;
    }
    res
}

/// Who made the request: the bearer token's or the session's staff member, else the public.
async fn request_actor(app: &App, bearer: Option<&HeaderValue>, session: Option<&str>) -> Actor {
    if let Some(t) = bearer
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        && let Ok(s) = app.authenticate(t.trim()).await
    {
        return Actor::Staff(s);
    }
    if let Some(secret) = session
        && let Ok(s) = app.session(secret).await
    {
        return Actor::Staff(s.actor);
    }
    Actor::Public
}

fn too_many(path: &str, retry_after: u64) -> Response {
    let retry = [(header::RETRY_AFTER, retry_after.to_string())];
    if path.starts_with("/api/") {
        let mut err = ApiError::new(
            "request.rate_limited",
            format!("too many requests from your address; retry in {retry_after} s"),
        );
        err.retry_after = Some(retry_after);
        return err.into_response();
    }
    (
        StatusCode::TOO_MANY_REQUESTS,
        retry,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Quá nhiều yêu cầu</title>\
             <link rel=\"stylesheet\" href=\"/assets/css/motcua.css\"><main class=\"container\">\
             <h1>Quá nhiều yêu cầu — Too many requests</h1>\
             <p>Bạn đã gửi quá nhiều yêu cầu trong một phút. Vui lòng thử lại sau {retry_after} giây.</p>\
             <p>You sent too many requests in a minute. Please try again in {retry_after} seconds.</p>\
             <p><a href=\"/\">Trang chủ — Home</a></p></main></html>"
        ),
    )
        .into_response()
}

/// Shared limiter state for the router.
pub fn limiters(limits: RateLimits, clock: LimitClock) -> Arc<Limiters> {
    Arc::new(Limiters::new(limits, clock))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_from_the_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "1.2.3.4, 10.0.0.9".parse().unwrap());
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "203.0.113.7".parse().unwrap();
        // From the proxy: the address it appended (the last).
        assert_eq!(
            client_ip(&h, Some(proxy), Some(proxy)),
            "10.0.0.9".parse::<IpAddr>().unwrap()
        );
        // From anyone else, or with no proxy configured: the peer, whatever the header says.
        assert_eq!(client_ip(&h, Some(other), Some(proxy)), other);
        assert_eq!(client_ip(&h, Some(other), None), other);
        // A proxy that sends garbage: the proxy itself — never an earlier, client-written entry.
        let mut bad = HeaderMap::new();
        bad.insert("x-forwarded-for", "1.2.3.4, <script>".parse().unwrap());
        assert_eq!(client_ip(&bad, Some(proxy), Some(proxy)), proxy);
    }

    #[test]
    fn the_limited_requests_are_login_tracking_and_search() {
        let cases = [
            (Method::POST, "/staff/login", None, Some(Limited::Login)),
            (Method::GET, "/staff/login", None, None),
            (Method::POST, "/staff/password", None, Some(Limited::Login)),
            (Method::GET, "/staff/password", None, None),
            (Method::GET, "/citizen/login", None, Some(Limited::Login)),
            (
                Method::GET,
                "/citizen/callback",
                Some("code=x"),
                Some(Limited::Login),
            ),
            (Method::GET, "/citizen", None, None),
            (
                Method::GET,
                "/track",
                Some("code=X&phone=1"),
                Some(Limited::Tracking),
            ),
            (Method::GET, "/track", None, None),
            (Method::POST, "/kiosk/track", None, None),
            (
                Method::GET,
                "/api/v1/track/ABC",
                None,
                Some(Limited::Tracking),
            ),
            (
                Method::GET,
                "/api/v1/linked/X/track",
                None,
                Some(Limited::Tracking),
            ),
            (Method::GET, "/", Some("q=khai+sinh"), Some(Limited::Search)),
            (Method::GET, "/", Some("q="), None),
            (Method::GET, "/", None, None),
            (
                Method::GET,
                "/api/v1/procedures",
                Some("q=x"),
                Some(Limited::Search),
            ),
            (Method::GET, "/api/v1/procedures", None, None),
            (
                Method::POST,
                "/api/v1/assistant",
                None,
                Some(Limited::Search),
            ),
            (
                Method::GET,
                "/assistant",
                Some("q=ket+hon"),
                Some(Limited::Search),
            ),
            (
                Method::GET,
                "/kiosk/assistant",
                Some("q=x"),
                Some(Limited::Search),
            ),
            (Method::GET, "/assistant", None, None),
            (Method::GET, "/inbox", None, None),
        ];
        for (m, p, q, want) in cases {
            assert_eq!(limited(&m, p, q, false), want, "{m} {p} {q:?}");
        }
        // Verification and anonymous filing (issue #29): a staff token's intake is not limited.
        let more = [
            (Method::POST, "/verify", false, Some(Limited::Verify)),
            (Method::GET, "/verify", false, None),
            (Method::POST, "/api/v1/verify", false, Some(Limited::Verify)),
            (
                Method::POST,
                "/api/v1/dossiers",
                false,
                Some(Limited::Filing),
            ),
            (Method::POST, "/api/v1/dossiers", true, None),
            (Method::GET, "/api/v1/dossiers", false, None),
            (
                Method::POST,
                "/apply/1.004873/documents",
                false,
                Some(Limited::Filing),
            ),
            (
                Method::POST,
                "/apply/1.004873/check",
                false,
                Some(Limited::Filing),
            ),
            (Method::GET, "/apply/1.004873/check", false, None),
            (
                Method::POST,
                "/apply/1.004873",
                false,
                Some(Limited::Filing),
            ),
            (Method::POST, "/apply/1.004873/name", false, None),
        ];
        for (m, p, token, want) in more {
            assert_eq!(limited(&m, p, None, token), want, "{m} {p} {token}");
        }
    }
}
