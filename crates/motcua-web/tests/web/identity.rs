//! Identity and defences through the router: staff login with the pre-session form token,
//! lock-out, one-time passwords, password change, session timeouts, logout, security headers,
//! rate limits behind a trusted proxy, and the security audit log.

use crate::common::{PageResp, TEST_PASSWORD, TestApp, cookie_pair, csrf};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use motcua_domain::access::Role;
use std::net::SocketAddr;
use time::Duration;
use time::macros::datetime;
use tower::ServiceExt;

const T0: time::OffsetDateTime = datetime!(2025-03-03 08:00 +7);

async fn kinds(t: &TestApp) -> Vec<String> {
    use motcua_app::ports::roles::*;
    let mut v: Vec<String> = t
        .store
        .security_events(None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    v.reverse();
    v
}

#[tokio::test]
async fn a_login_needs_the_form_of_this_browser_and_ends_with_logout() {
    let t = TestApp::new(T0).await;
    let user = t
        .account("hoa.tiepnhan", "24958.TTPVHCC", Role::CounterOfficer)
        .await;
    // The form sets its pre-session cookie.
    let page = t.page("GET", "/staff/login", None, None).await;
    let pre = page.cookie.clone().unwrap();
    assert!(
        pre.contains("HttpOnly") && pre.contains("SameSite=Strict"),
        "{pre}"
    );
    assert!(!pre.contains("Secure"), "plain HTTP: no Secure flag");
    // Posting the form without that cookie (another site's form) starts no session.
    let body = format!(
        "csrf={}&next=%2Finbox&username={user}&password={}",
        csrf(&page.body),
        TEST_PASSWORD.replace(' ', "+")
    );
    let r = t.page("POST", "/staff/login", None, Some(&body)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(!r.cookie.unwrap_or_default().starts_with("motcua_staff="));
    // With it: signed in.
    let r = t
        .page(
            "POST",
            "/staff/login",
            Some(&cookie_pair(&pre)),
            Some(&body),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let session = cookie_pair(&r.cookie.unwrap());
    assert!(session.starts_with("motcua_staff=mcs_"), "{session}");
    let inbox = t.page("GET", "/inbox", Some(&session), None).await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(
        inbox.body.contains("Nguyễn Văn Thử"),
        "the officer's name is shown"
    );
    // A service token is not a session.
    let token = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let r = t
        .page(
            "GET",
            "/inbox",
            Some(&format!("motcua_staff={token}")),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Logout needs the page's token; then the session is gone.
    let r = t
        .page("POST", "/staff/logout", Some(&session), Some("csrf=x"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .page(
            "POST",
            "/staff/logout",
            Some(&session),
            Some(&format!("csrf={}", csrf(&inbox.body))),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.cookie.unwrap().contains("Max-Age=0"));
    let r = t.page("GET", "/inbox", Some(&session), None).await;
    assert_eq!(r.location.as_deref(), Some("/staff/login?next=%2Finbox"));
    // The forged logout is a denial, and logged as one.
    assert_eq!(
        kinds(&t).await,
        ["user_created", "login", "permission_denied", "logout"]
    );
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_and_unknown_names_get_the_same_answer() {
    let t = TestApp::new(T0).await;
    let user = t
        .account("an.chuyenvien", "24958.UBND", Role::Specialist)
        .await;
    let unknown = t
        .browser_login("nobody.here", "whatever password", "/inbox")
        .await;
    let wrong = t.browser_login(&user, "wrong password", "/inbox").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let message = |r: &PageResp| {
        let i = r.body.find("error-summary").unwrap();
        r.body[i..i + 300].to_owned()
    };
    assert_eq!(message(&unknown), message(&wrong), "no user enumeration");
    for _ in 0..3 {
        let r = t.browser_login(&user, "wrong password", "/inbox").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // The fifth failure locks, and says until when (Vietnam time).
    let r = t.browser_login(&user, "wrong password", "/inbox").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("03/03/2025 08:15"), "{}", r.body);
    // Even the right password is refused while locked.
    let r = t.browser_login(&user, TEST_PASSWORD, "/inbox").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    t.clock.set(T0 + Duration::minutes(15));
    let r = t.browser_login(&user, TEST_PASSWORD, "/inbox").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let k = kinds(&t).await;
    assert_eq!(k.iter().filter(|x| *x == "login_failed").count(), 7);
    assert_eq!(k.iter().filter(|x| *x == "locked").count(), 1);
    assert_eq!(k.last().map(String::as_str), Some("login"));
}

#[tokio::test]
async fn a_one_time_password_must_be_changed_and_the_change_ends_other_sessions() {
    let t = TestApp::new(T0).await;
    let (_, otp) = t
        .app
        .create_user(
            "test",
            "lan.pheduyet",
            "Trần Thị Lan",
            &"24958.UBND".parse().unwrap(),
            Role::Approver,
            None,
        )
        .await
        .unwrap();
    let otp = otp.unwrap();
    assert_eq!(otp.len(), 16);
    let r = t.browser_login("lan.pheduyet", &otp, "/inbox").await;
    assert_eq!(r.location.as_deref(), Some("/staff/password"));
    let first = cookie_pair(&r.cookie.unwrap());
    let second = cookie_pair(
        &t.browser_login("lan.pheduyet", &otp, "/inbox")
            .await
            .cookie
            .unwrap(),
    );
    // Nothing else until the password is changed.
    let r = t.page("GET", "/inbox", Some(&first), None).await;
    assert_eq!(r.location.as_deref(), Some("/staff/password"));
    let page = t.page("GET", "/staff/password", Some(&first), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = csrf(&page.body);
    let form = |current: &str, new: &str, confirm: &str| {
        let e = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!(
            "csrf={token}&current={}&password={}&confirm={}",
            e(current),
            e(new),
            e(confirm)
        )
    };
    let cases = [
        (form(&otp, "một câu dài dễ nhớ", "một câu khác"), "confirm"),
        (
            form("not it at all", "một câu dài dễ nhớ", "một câu dài dễ nhớ"),
            "current",
        ),
        (form(&otp, "short", "short"), "password"),
        (
            form(&otp, "lan.pheduyet.2025", "lan.pheduyet.2025"),
            "password",
        ),
    ];
    for (body, field) in cases {
        let r = t
            .page("POST", "/staff/password", Some(&first), Some(&body))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "{field}: {}",
            r.body
        );
    }
    let good = form(&otp, "một câu dài dễ nhớ", "một câu dài dễ nhớ");
    let r = t
        .page("POST", "/staff/password", Some(&first), Some(&good))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let renewed = cookie_pair(&r.cookie.unwrap());
    assert_ne!(renewed, first);
    assert_eq!(
        t.page("GET", "/inbox", Some(&renewed), None).await.status,
        StatusCode::OK
    );
    // Every earlier session has ended.
    for old in [&first, &second] {
        let r = t.page("GET", "/inbox", Some(old), None).await;
        assert_eq!(r.location.as_deref(), Some("/staff/login?next=%2Finbox"));
    }
    // The new password works; the one-time one does not.
    assert_eq!(
        t.browser_login("lan.pheduyet", &otp, "/inbox").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.browser_login("lan.pheduyet", "một câu dài dễ nhớ", "/inbox")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sessions_end_after_thirty_idle_minutes_or_twelve_hours_and_when_disabled() {
    let t = TestApp::new(T0).await;
    let cookie = t.session("24958.TTPVHCC", Role::CounterOfficer).await;
    // Used every 20 minutes: alive until the twelfth hour.
    let mut now = T0;
    while now < T0 + Duration::hours(11) + Duration::minutes(40) {
        now += Duration::minutes(20);
        t.clock.set(now);
        let r = t.page("GET", "/inbox", Some(&cookie), None).await;
        assert_eq!(r.status, StatusCode::OK, "at {now}");
    }
    t.clock.set(T0 + Duration::hours(12));
    let r = t.page("GET", "/inbox", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "absolute timeout");
    // Idle.
    let cookie = t.session("24958.TTPVHCC", Role::CounterOfficer).await;
    t.clock
        .set(T0 + Duration::hours(12) + Duration::minutes(31));
    let r = t.page("GET", "/inbox", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "idle timeout");
    // Disabled: the session ends at once, and login is refused.
    let user = t
        .account("binh.tiepnhan", "24958.TTPVHCC", Role::CounterOfficer)
        .await;
    let r = t.browser_login(&user, TEST_PASSWORD, "/inbox").await;
    let cookie = cookie_pair(&r.cookie.unwrap());
    t.app.set_user_disabled("test", &user, true).await.unwrap();
    let r = t.page("GET", "/inbox", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = t.browser_login(&user, TEST_PASSWORD, "/inbox").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

fn header_of<'a>(r: &'a axum::response::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let t = TestApp::new(T0).await;
    for uri in [
        "/",
        "/staff/login",
        "/api/v1/units/provinces",
        "/no/such/page",
    ] {
        let r = t
            .router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let csp = header_of(&r, "content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline"),
            "{uri}: {csp}"
        );
        assert_eq!(header_of(&r, "x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header_of(&r, "x-frame-options"), "DENY", "{uri}");
        assert_eq!(header_of(&r, "referrer-policy"), "same-origin", "{uri}");
        assert_eq!(
            header_of(&r, "strict-transport-security"),
            "",
            "{uri}: no TLS"
        );
    }
    // Served over TLS: HSTS, and Secure cookies.
    let web = motcua_web::WebSettings {
        public_url: Some("https://dichvucong.lamdong.gov.vn".into()),
        ..Default::default()
    };
    let router = motcua_web::router_with(t.app.clone(), web);
    let r = router
        .oneshot(Request::get("/staff/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(header_of(&r, "strict-transport-security").starts_with("max-age=31536000"));
    assert!(header_of(&r, "set-cookie").contains("; Secure"));
}

async fn from(
    router: &axum::Router,
    peer: &str,
    forwarded: Option<&str>,
    method: &str,
    uri: &str,
    body: &str,
) -> (StatusCode, Option<String>, String) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .extension(ConnectInfo(peer.parse::<SocketAddr>().unwrap()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(f) = forwarded {
        b = b.header("x-forwarded-for", f);
    }
    let r = router
        .clone()
        .oneshot(b.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let retry = r
        .headers()
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().to_owned());
    let status = r.status();
    let text =
        String::from_utf8_lossy(&r.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (status, retry, text)
}

#[tokio::test]
async fn login_tracking_and_search_are_rate_limited_per_client_behind_the_trusted_proxy() {
    let t = TestApp::new(T0).await;
    // The limiters' clock stands still: the counts below do not depend on how fast this machine
    // sends the requests (a real clock refills two searches a second).
    let clock = motcua_web::security::LimitClock::fake();
    let web = motcua_web::WebSettings {
        trusted_proxy: Some("10.0.0.1".parse().unwrap()),
        limit_clock: clock.clone(),
        ..Default::default()
    };
    let router = motcua_web::router_with(t.app.clone(), web);
    let proxy = "10.0.0.1:40000";
    // Ten logins a minute from one client, then 429 with Retry-After.
    for _ in 0..10 {
        let (s, _, _) = from(
            &router,
            proxy,
            Some("198.51.100.1"),
            "POST",
            "/staff/login",
            "",
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, retry, body) = from(
        &router,
        proxy,
        Some("198.51.100.1"),
        "POST",
        "/staff/login",
        "",
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.unwrap().parse::<u64>().unwrap() >= 1);
    assert!(body.contains("Quá nhiều yêu cầu"));
    // Another client behind the same proxy is not held up.
    let (s, _, _) = from(
        &router,
        proxy,
        Some("198.51.100.2"),
        "POST",
        "/staff/login",
        "",
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // A client that is not the proxy cannot choose its address by header.
    for i in 0..10 {
        let (s, _, _) = from(
            &router,
            "203.0.113.9:5000",
            Some(&format!("192.0.2.{i}")),
            "POST",
            "/staff/login",
            "",
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, _, _) = from(
        &router,
        "203.0.113.9:5000",
        Some("192.0.2.99"),
        "POST",
        "/staff/login",
        "",
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // Tracking through the API: thirty a minute, then the JSON envelope.
    for _ in 0..30 {
        let (s, _, _) = from(
            &router,
            "203.0.113.20:1",
            None,
            "GET",
            "/api/v1/track/24958-250303-0001?phone=0912345678",
            "",
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (s, retry, body) = from(
        &router,
        "203.0.113.20:1",
        None,
        "GET",
        "/api/v1/track/24958-250303-0001?phone=0912345678",
        "",
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.is_some());
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "request.rate_limited");
    // Search: a hundred and twenty a minute.
    for _ in 0..120 {
        let (s, _, _) = from(
            &router,
            "203.0.113.30:1",
            None,
            "GET",
            "/api/v1/procedures?q=khai+sinh",
            "",
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, _, _) = from(
        &router,
        "203.0.113.30:1",
        None,
        "GET",
        "/api/v1/procedures?q=khai+sinh",
        "",
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // The catalogue without a query is not a search.
    let (s, _, _) = from(
        &router,
        "203.0.113.30:1",
        None,
        "GET",
        "/api/v1/procedures",
        "",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // A minute later (on the limiters' clock) the client may search again.
    clock.advance(std::time::Duration::from_secs(60));
    let (s, _, _) = from(
        &router,
        "203.0.113.30:1",
        None,
        "GET",
        "/api/v1/procedures?q=khai+sinh",
        "",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn denials_and_exports_are_in_the_security_log() {
    use motcua_app::ports::roles::*;
    let t = TestApp::new(T0).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let (s, _) = t
        .get("/api/v1/reports/kpis?unit=68&year=2025", Some(&counter))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .get(
            "/api/v1/reports/index/export?unit=68&year=2025&format=csv&table=metrics",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let log = t.store.security_events(None, 10).await.unwrap();
    let denied = log.iter().find(|e| e.kind == "permission_denied").unwrap();
    assert!(denied.actor.starts_with("token:"), "{denied:?}");
    assert_eq!(denied.subject, "/api/v1/reports/kpis?unit=68&year=2025");
    assert_eq!(denied.province.as_deref(), Some("68"));
    let export = log.iter().find(|e| e.kind == "export").unwrap();
    assert_eq!(export.actor, "applicant");
    assert!(export.detail.contains(".csv"), "{export:?}");
    // Nobody but an administrator reads the log: a province's administrator the province's
    // entries, a system administrator all.
    let t = &t;
    let read = |role| async move {
        let a = t
            .app
            .authenticate(&t.token("68.UBND", role).await)
            .await
            .unwrap();
        t.app
            .security_log(&motcua_app::Actor::Staff(a), 50)
            .await
            .unwrap()
    };
    let province = read(Role::ProvinceAdmin).await;
    assert!(
        province.iter().all(|e| e.province.as_deref() == Some("68")),
        "{province:?}"
    );
    assert!(province.iter().any(|e| e.kind == "permission_denied"));
    let all = read(Role::Admin).await;
    assert!(all.iter().any(|e| e.kind == "export"));
    let officer = t.app.authenticate(&counter).await.unwrap();
    assert!(
        t.app
            .security_log(&motcua_app::Actor::Staff(officer), 50)
            .await
            .is_err()
    );
}

/// Issue #29: a stranger who types an officer's name five times locks out only himself — the
/// officer still signs in from the counter's address — and an unknown name is counted and
/// answered exactly like a real one, locked included.
#[tokio::test]
async fn a_lock_out_binds_the_name_to_the_address_that_failed_and_tells_nothing_about_names() {
    use motcua_app::accounts::Origin;
    let t = TestApp::new(T0).await;
    let user = t
        .account("an.tiepnhan", "24958.TTPVHCC", Role::CounterOfficer)
        .await;
    let attacker = Origin {
        ip: "203.0.113.9".into(),
    };
    let counter = Origin {
        ip: "10.68.1.20".into(),
    };
    for name in [user.as_str(), "khong.ton.tai"] {
        for i in 0..5 {
            let e = t
                .app
                .login(name, "doan mat khau", &attacker)
                .await
                .unwrap_err();
            let want = if i < 4 {
                "auth.invalid_credentials"
            } else {
                "auth.locked"
            };
            assert_eq!(e.code(), want, "{name} attempt {}", i + 1);
        }
        let e = t
            .app
            .login(name, TEST_PASSWORD, &attacker)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "auth.locked", "{name}: locked from that address");
    }
    // The officer, from the counter: in at once.
    let done = t.app.login(&user, TEST_PASSWORD, &counter).await;
    assert!(done.is_ok(), "{:?}", done.err());
    // A password longer than any account's is refused like any wrong one (after the same
    // decoy verification an unknown name gets).
    let long = "x".repeat(motcua_domain::accounts::MAX_PASSWORD_BYTES + 1);
    for name in [user.as_str(), "khong.ton.tai.nua"] {
        let e = t.app.login(name, &long, &counter).await.unwrap_err();
        assert_eq!(e.code(), "auth.invalid_credentials", "{name}");
    }
}

/// One JSON request from `peer`, with an optional bearer token and Idempotency-Key.
async fn json_from(
    router: &axum::Router,
    peer: &str,
    token: Option<&str>,
    key: Option<&str>,
    uri: &str,
    body: &serde_json::Value,
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let mut b = Request::builder()
        .method("POST")
        .uri(uri)
        .extension(ConnectInfo(peer.parse::<SocketAddr>().unwrap()))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(k) = key {
        b = b.header("idempotency-key", k);
    }
    let r = router
        .clone()
        .oneshot(b.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    let bytes = r.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

/// Issue #29: anonymous filing is limited per address (nothing of a refused request is stored,
/// and the 429 carries the security headers); a counter's intake with its token is not; an
/// agency's Idempotency-Key is invisible to everyone else, and an anonymous one cannot be squatted.
#[tokio::test]
async fn anonymous_filing_is_limited_per_address_and_idempotency_keys_are_scoped() {
    let t = TestApp::new(T0).await;
    let router = motcua_web::router_with(t.app.clone(), motcua_web::WebSettings::default());
    let body = crate::common::intake_body("1.004873", "24958.TTPVHCC");
    let flooder = "203.0.113.50:5000";
    for i in 0..20 {
        let (s, _, v) = json_from(&router, flooder, None, None, "/api/v1/dossiers", &body).await;
        assert_eq!(s, StatusCode::CREATED, "filing {}: {v}", i + 1);
    }
    let before = t.count().await;
    let (s, h, v) = json_from(&router, flooder, None, None, "/api/v1/dossiers", &body).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["error"]["code"], "request.rate_limited");
    assert_eq!(
        t.count().await,
        before,
        "nothing of the refused filing is stored"
    );
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
    ] {
        assert!(h.contains_key(name), "the 429 lacks {name}");
    }
    // Any Authorization header that is not a real token is anonymous filing too (a second
    // outside probe filed 25 more with `Authorization: x`).
    for fake in ["x", "Basic YTpi", "Bearer", "Bearer mct_not_a_token"] {
        let req = Request::builder()
            .method("POST")
            .uri("/api/v1/dossiers")
            .extension(ConnectInfo(flooder.parse::<SocketAddr>().unwrap()))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, fake)
            .body(Body::from(body.to_string()))
            .unwrap();
        let r = router.clone().oneshot(req).await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{fake}");
    }
    assert_eq!(t.count().await, before);
    // Another address files; a counter with its token at the flooder's address too.
    let (s, _, _) = json_from(
        &router,
        "203.0.113.51:5000",
        None,
        None,
        "/api/v1/dossiers",
        &body,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let other = t.token("24781.TTPVHCC", Role::CounterOfficer).await;
    let (s, _, mine) = json_from(
        &router,
        flooder,
        Some(&counter),
        Some("ca-sang-1"),
        "/api/v1/dossiers",
        &body,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{mine}");
    // The same key from another agency: its own new dossier, not "key reused", not ours.
    let other_body = crate::common::intake_body("1.004873", "24781.TTPVHCC");
    let (s, _, theirs) = json_from(
        &router,
        "203.0.113.52:5000",
        Some(&other),
        Some("ca-sang-1"),
        "/api/v1/dossiers",
        &other_body,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{theirs}");
    assert_ne!(theirs["code"], mine["code"]);
    // An anonymous caller cannot squat a key for someone else's request: a different body with
    // the same key is simply another filing; the same body replays to the same dossier.
    let anon = "203.0.113.53:5000";
    let (_, _, first) =
        json_from(&router, anon, None, Some("k-1"), "/api/v1/dossiers", &body).await;
    let (s, _, again) =
        json_from(&router, anon, None, Some("k-1"), "/api/v1/dossiers", &body).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(again["code"], first["code"]);
    let mut changed = body.clone();
    changed["applicant"]["name"] = serde_json::json!("Trần Văn Bình");
    let (s, _, squat) = json_from(
        &router,
        anon,
        None,
        Some("k-1"),
        "/api/v1/dossiers",
        &changed,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{squat}");
    assert_ne!(squat["code"], first["code"]);
}

/// Issue #29: a service token stops working when it expires or is revoked.
#[tokio::test]
async fn service_tokens_expire_and_can_be_revoked() {
    let t = TestApp::new(T0).await;
    let agency = "24958.TTPVHCC".parse().unwrap();
    let (rec, secret, _) = t
        .app
        .create_token_for(&agency, Role::CounterOfficer, "tích hợp", 1)
        .await
        .unwrap();
    assert_eq!(rec.expires_at, Some(T0 + Duration::days(1)));
    let (s, _) = t.get("/api/v1/dossiers", Some(&secret)).await;
    assert_eq!(s, StatusCode::OK);
    t.clock.set(T0 + Duration::days(1) + Duration::seconds(1));
    let (s, v) = t.get("/api/v1/dossiers", Some(&secret)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "expired: {v}");
    let (other, secret2, _) = t
        .app
        .create_token(&agency, Role::CounterOfficer, "khác")
        .await
        .unwrap();
    let (s, _) = t.get("/api/v1/dossiers", Some(&secret2)).await;
    assert_eq!(s, StatusCode::OK);
    t.app.revoke_token(other.id).await.unwrap();
    let (s, _) = t.get("/api/v1/dossiers", Some(&secret2)).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "revoked, at once in this process"
    );
    assert_eq!(
        t.app.revoke_token(other.id).await.unwrap_err().code(),
        "token.not_found"
    );
    let listed = t.app.tokens().await.unwrap();
    assert!(
        listed
            .iter()
            .any(|x| x.id == other.id && x.revoked_at.is_some())
    );
}

/// Issue #29: what a signed-in officer sees is `no-store`; a public page is not forced to (files
/// handed out: apply.rs).
#[tokio::test]
async fn signed_in_pages_are_not_cached() {
    let t = TestApp::new(T0).await;
    let token = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let cookie = t.cookie(&token).await;
    let get = |uri: &str, cookie: Option<&str>| {
        let mut b = Request::get(uri);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        t.router.clone().oneshot(b.body(Body::empty()).unwrap())
    };
    let r = get("/inbox", Some(&cookie)).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header_of(&r, "cache-control"), "no-store");
    let r = get("/", None).await.unwrap();
    assert_ne!(header_of(&r, "cache-control"), "no-store", "a public page");
}
